// Listing and changing users: portable SQL, included by `sqlite/user_admin.rs` and
// `postgres/user_admin.rs` (see `portable/access.rs`).

use super::users::{USER_COLUMNS, user_from_row};
use crate::{Result, StoreError, User};
use uuid::Uuid;

pub(super) async fn list_users(pool: &DbPool) -> Result<Vec<User>> {
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY username"
    ))
    .fetch_all(pool)
    .await?;
    rows.iter().map(user_from_row).collect()
}

pub(super) async fn update_user(
    store: &BackendStore,
    id: Uuid,
    changes: crate::UserChanges,
) -> Result<User> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE users SET display_name = COALESCE($1, display_name), role = COALESCE($2, role),
                          disabled = COALESCE($3, disabled),
                          agency_id = CASE WHEN $7 THEN $8 ELSE agency_id END,
                          version = version + 1, updated_at = $4
         WHERE id = $5 AND version = $6",
    )
    .bind(&changes.display_name)
    .bind(changes.role.as_ref().map(|r| r.as_str()))
    .bind(changes.disabled)
    .bind(changes.now)
    .bind(id)
    .bind(changes.expected_version)
    .bind(changes.agency.is_some())
    .bind(changes.agency.flatten())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        let current: Option<i64> = sqlx::query_scalar("SELECT version FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match current {
            Some(current) => StoreError::Conflict {
                expected: changes.expected_version,
                current,
            },
            None => StoreError::NotFound,
        });
    }
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let user = user_from_row(&row)?;
    super::audit::append_in(&mut tx, &changes.audit, changes.now).await?;
    tx.commit().await?;
    Ok(user)
}
