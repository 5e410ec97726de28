//! Custom roles (`[[role]]`): each a named permission set that the access policy's rules for
//! custom roles accept.

use super::file::RoleFile;
use super::{Loader, Registry, origin};
use crate::access::role::{Permission, PermissionSet, RoleDefinition, Roles, check_definition};
use crate::config::Languages;
use crate::user::Role;
use toml::Spanned;

impl Loader<'_> {
    pub(super) fn roles(
        &mut self,
        files: Vec<(usize, usize, Spanned<RoleFile>)>,
        languages: &Languages,
    ) -> Roles {
        let mut roles = Roles::built_in();
        let mut ids = Registry::new("role");
        for (file, i, item) in files {
            let at = origin(file, item.span());
            let item = item.into_inner();
            let key = format!("role[{i}]");
            self.check_id(at, &format!("{key}.id"), &item.id);
            let role = Role::parse(&item.id);
            if role.as_ref().is_some_and(Role::is_built_in) {
                self.error(
                    at,
                    format!("{key}.id"),
                    format!(
                        "\"{}\" is a built-in role, whose permissions are fixed; \
                         give the custom role another id",
                        item.id
                    ),
                );
                continue;
            }
            let claimed = ids.claim(self, &item.id, at, &format!("{key}.id"));
            let label = self.text(at, &format!("{key}.label"), item.label, languages, true);
            let mut permissions = Vec::new();
            for (j, name) in item.permissions.into_iter().enumerate() {
                let name_at = origin(file, name.span());
                let name = name.into_inner();
                match Permission::parse(&name) {
                    Some(permission) => permissions.push(permission),
                    None => {
                        let known: Vec<_> = Permission::ALL.iter().map(|p| p.as_str()).collect();
                        self.error(
                            name_at,
                            format!("{key}.permissions[{j}]"),
                            format!(
                                "unknown permission \"{name}\" (expected one of {})",
                                known.join(", ")
                            ),
                        );
                    }
                }
            }
            let permissions = PermissionSet::of(&permissions);
            if let Err(problem) = check_definition(permissions) {
                self.error(at, format!("{key}.permissions"), problem.to_string());
            }
            if let (Some(role), true) = (role, claimed) {
                roles.add_custom(RoleDefinition {
                    role,
                    label,
                    permissions,
                });
            }
        }
        roles
    }
}
