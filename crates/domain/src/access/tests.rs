//! The policy by example and by property.

use super::consent::{Consent, InformationScope, Recipient};
use super::projection::{Projected, forbidden_writes, project, withheld_fields};
use super::*;
use crate::case::{CaseFields, FieldValue};
use crate::config::{CaseType, Configuration, SourceFile, load};
use crate::team::Team;
use crate::user::Role;
use chrono::NaiveDate;
use proptest::prelude::*;

const CONFIG: &str = r#"
[instance]
version = 1
default_language = "en"
languages = ["en"]

[[stage]]
id = "identification"
label = { en = "Identification" }

[case_type]
id = "gbv"
code = "GBV"
name = { en = "GBV" }
domain = "gbv"
default_intensity = 2
recommended_caseload = 15
maximum_caseload = 20
review_frequency_days = 30
stages = ["identification"]

[[section]]
id = "main"
label = { en = "Main" }

[[section.field]]
id = "status_note"
type = "short_text"
label = { en = "Status" }
classification = "standard"

[[section.field]]
id = "safety_plan"
type = "long_text"
label = { en = "Safety plan" }
classification = "restricted"

[[section.field]]
id = "perpetrator"
type = "short_text"
label = { en = "Perpetrator" }
classification = "confidential"

[[section.field]]
id = "contacts"
type = "repeating_group"
label = { en = "Contacts" }
classification = "restricted"

[[section.field.field]]
id = "relation"
type = "short_text"
label = { en = "Relation" }
classification = "restricted"

[[section.field.field]]
id = "phone"
type = "short_text"
label = { en = "Phone" }
classification = "confidential"
"#;

fn config() -> Configuration {
    load(&[SourceFile {
        name: "t.toml".into(),
        text: CONFIG.into(),
    }])
    .unwrap_or_else(|e| panic!("{e}"))
}

fn gbv(config: &Configuration) -> &CaseType {
    config.case_type("gbv").unwrap()
}

fn user(n: u128) -> UserId {
    UserId::from_u128(n)
}

const W1: u128 = 1;
const W2: u128 = 2;
const W3: u128 = 3;
const S1: u128 = 11;
const S2: u128 = 12;
const M1: u128 = 21;
const A1: u128 = 31;

fn role_of(n: u128) -> Role {
    match n {
        1..=9 => Role::CASE_WORKER,
        11..=19 => Role::SUPERVISOR,
        21..=29 => Role::PROGRAMME_MANAGER,
        _ => Role::SYSTEM_ADMINISTRATOR,
    }
}

/// A partner agency: worker3 and supervisor2 (team B) work for it.
const PARTNER: u128 = 500;

fn agency_of(n: u128) -> Option<uuid::Uuid> {
    matches!(n, W3 | S2).then(|| uuid::Uuid::from_u128(PARTNER))
}

fn actor(n: u128) -> Actor {
    Actor {
        id: user(n),
        permissions: role::Roles::built_in().permissions(&role_of(n)),
        agency: agency_of(n),
    }
}

fn teams() -> (Team, Team) {
    let a = Team {
        id: uuid::Uuid::from_u128(100),
        name: "A".into(),
        supervisor: Some(user(S1)),
        members: [user(W1), user(W2)].into(),
        case_types: Default::default(),
    };
    let b = Team {
        id: uuid::Uuid::from_u128(200),
        name: "B".into(),
        supervisor: Some(user(S2)),
        members: [user(W3)].into(),
        case_types: ["gbv".to_string()].into(),
    };
    (a, b)
}

/// A GBV case assigned to worker 1 of team A.
fn facts() -> CaseFacts {
    CaseFacts {
        case_type: "gbv".into(),
        survivor_controlled: true,
        assigned_to: user(W1),
        assignee_teams: vec![teams().0],
        ..CaseFacts::default()
    }
}

fn fields() -> CaseFields {
    CaseFields::from([
        (
            "status_note".into(),
            FieldValue::Text("in implementation".into()),
        ),
        (
            "safety_plan".into(),
            FieldValue::Text("go to the neighbour".into()),
        ),
        ("perpetrator".into(), FieldValue::Text("the uncle".into())),
        (
            "contacts".into(),
            FieldValue::Group(vec![
                [
                    ("relation".to_string(), FieldValue::Text("sister".into())),
                    ("phone".to_string(), FieldValue::Text("+000 1".into())),
                ]
                .into(),
            ]),
        ),
    ])
}

/// A consent for user `to`, or for the partner agency when `to` is [`PARTNER`].
fn consent(to: u128, information: InformationScope) -> Consent {
    Consent {
        id: uuid::Uuid::from_u128(900 + to),
        recipient: if to == PARTNER {
            Recipient::Agency {
                id: uuid::Uuid::from_u128(PARTNER),
                name: "Partner".into(),
            }
        } else {
            Recipient::User(user(to))
        },
        information,
        purpose: "case coordination".into(),
        given_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        recorded_by: user(W1),
        guardian_involved: None,
        child_assent: None,
        withdrawn_at: None,
    }
}

fn visible(actor_id: u128, facts: &CaseFacts) -> Vec<String> {
    let config = config();
    project(actor(actor_id), facts, gbv(&config), &fields())
        .into_iter()
        .filter(|(_, p)| matches!(p, Projected::Value(_)))
        .map(|(k, _)| k.to_string())
        .collect()
}

#[test]
fn the_assigned_worker_sees_everything() {
    assert_eq!(
        visible(W1, &facts()),
        ["contacts", "perpetrator", "safety_plan", "status_note"]
    );
}

#[test]
fn the_supervisor_sees_standard_fields_and_placeholders() {
    let config = config();
    let fields = fields();
    let projected = project(actor(S1), &facts(), gbv(&config), &fields);
    assert_eq!(
        projected["status_note"],
        Projected::Value(&FieldValue::Text("in implementation".into()))
    );
    for hidden in ["safety_plan", "perpetrator", "contacts"] {
        assert_eq!(projected[hidden], Projected::Restricted, "{hidden}");
    }
}

#[test]
fn colleagues_other_teams_managers_and_administrators_see_nothing() {
    for who in [W2, W3, S2, M1, A1] {
        let config = config();
        assert!(
            project(actor(who), &facts(), gbv(&config), &fields()).is_empty(),
            "user {who}"
        );
        assert!(!may(actor(who), &facts(), CaseAction::Read));
    }
}

#[test]
fn a_field_grant_needs_a_consent_on_a_survivors_case() {
    let mut facts = facts();
    facts.shared_with.insert(user(W2));
    facts.field_grants.insert((user(W2), "safety_plan".into()));
    assert_eq!(visible(W2, &facts), ["status_note"], "no consent yet");
    facts.consents.push(consent(
        W2,
        InformationScope::Fields(["safety_plan".to_string()].into()),
    ));
    assert_eq!(visible(W2, &facts), ["safety_plan", "status_note"]);
    facts.consents[0].withdrawn_at = Some(chrono::Utc::now());
    assert_eq!(
        visible(W2, &facts),
        ["status_note"],
        "withdrawal takes effect at once"
    );
    facts.survivor_controlled = false;
    assert_eq!(
        visible(W2, &facts),
        ["safety_plan", "status_note"],
        "outside GBV the grant suffices"
    );
}

#[test]
fn attachments_follow_the_field_rules_under_their_own_grant() {
    use crate::config::Classification::{Confidential, Restricted, Standard};
    let sees = |who: u128, facts: &CaseFacts, classification| {
        attachment_access(actor(who), facts, classification) == FieldAccess::ReadWrite
    };
    let mut facts = facts();
    for classification in [Standard, Restricted, Confidential] {
        assert!(
            sees(W1, &facts, classification),
            "the assigned worker sees every one"
        );
        assert!(
            !sees(W2, &facts, classification),
            "a colleague reaches no part of the case"
        );
    }
    assert!(sees(S1, &facts, Standard), "the supervisor reads the case");
    assert!(!sees(S1, &facts, Restricted));
    facts.shared_with.insert(user(W2));
    facts
        .field_grants
        .insert((user(W2), ATTACHMENTS_GRANT.into()));
    assert!(sees(W2, &facts, Standard));
    assert!(
        !sees(W2, &facts, Restricted),
        "a survivor's case: the grant needs a consent"
    );
    facts.consents.push(consent(
        W2,
        InformationScope::Fields([ATTACHMENTS_GRANT.to_string()].into()),
    ));
    assert!(sees(W2, &facts, Restricted));
    assert!(
        !sees(W2, &facts, Confidential),
        "confidential stays with the assigned worker"
    );
    facts.field_grants.clear();
    facts.field_grants.insert((user(W2), "safety_plan".into()));
    assert!(
        !sees(W2, &facts, Restricted),
        "a field's grant does not open attachments"
    );
}

#[test]
fn confidential_stays_with_the_assigned_worker_whatever_is_granted() {
    let mut facts = facts();
    facts.shared_with.insert(user(W2));
    facts.field_grants.insert((user(W2), "perpetrator".into()));
    facts.field_grants.insert((user(W2), "contacts".into()));
    facts.consents.push(consent(
        W2,
        InformationScope::UpTo(Classification::Confidential),
    ));
    let config = config();
    let fields = fields();
    let projected = project(actor(W2), &facts, gbv(&config), &fields);
    assert_eq!(projected["perpetrator"], Projected::Restricted);
    let Projected::Group(items) = &projected["contacts"] else {
        panic!("{projected:?}")
    };
    assert_eq!(
        items[0]["relation"],
        Projected::Value(&FieldValue::Text("sister".into()))
    );
    assert_eq!(items[0]["phone"], Projected::Restricted);
    let denied = forbidden_writes(
        actor(W2),
        &facts,
        gbv(&config),
        ["status_note", "perpetrator", "contacts", "safety_plan"],
    );
    assert_eq!(
        denied,
        ["perpetrator", "contacts", "safety_plan"],
        "hidden fields, and a group with a hidden member, cannot be written"
    );
}

#[test]
fn sharing_a_survivors_case_needs_consent_naming_the_recipient() {
    let mut facts = facts();
    assert_eq!(
        may_share_with(actor(W1), &facts, actor(W3)),
        Err(ShareRefusal::NoConsent)
    );
    facts.consents.push(consent(
        W3,
        InformationScope::UpTo(Classification::Standard),
    ));
    assert_eq!(may_share_with(actor(W1), &facts, actor(W3)), Ok(()));
    assert_eq!(
        may_share_with(actor(W1), &facts, actor(M1)),
        Err(ShareRefusal::RecipientCannotHoldCases)
    );
    assert_eq!(
        may_share_with(actor(W1), &facts, actor(W1)),
        Err(ShareRefusal::AlreadyAssigned)
    );
    assert_eq!(
        may_share_with(actor(W2), &facts, actor(W3)),
        Err(ShareRefusal::NotAllowed)
    );
}

#[test]
fn a_consent_naming_an_agency_covers_the_users_who_work_for_it() {
    let mut facts = facts();
    facts.consents.push(consent(
        PARTNER,
        InformationScope::UpTo(Classification::Restricted),
    ));
    assert_eq!(may_share_with(actor(W1), &facts, actor(W3)), Ok(()));
    assert_eq!(
        may_share_with(actor(W1), &facts, actor(W2)),
        Err(ShareRefusal::NoConsent),
        "worker2 does not work for the partner agency"
    );
    // A restricted field granted to worker3 shows while the agency's consent stands.
    facts.shared_with.insert(user(W3));
    facts
        .field_grants
        .insert((user(W3), "safety_plan".to_string()));
    let config = config();
    let fields = fields();
    let shown = project(actor(W3), &facts, gbv(&config), &fields);
    assert!(matches!(
        shown.get("safety_plan"),
        Some(Projected::Value(_))
    ));
    facts.consents[0].withdrawn_at = Some(chrono::Utc::now());
    let shown = project(actor(W3), &facts, gbv(&config), &fields);
    assert!(matches!(
        shown.get("safety_plan"),
        Some(Projected::Restricted)
    ));
    // An organisation outside the instance covers nobody here.
    facts.consents.push(Consent {
        recipient: Recipient::ExternalAgency("Partner".into()),
        ..consent(W3, InformationScope::UpTo(Classification::Restricted))
    });
    assert_eq!(
        may_share_with(actor(W1), &facts, actor(W2)),
        Err(ShareRefusal::NoConsent)
    );
}

#[test]
fn supervisors_reassign_within_their_own_team_only() {
    let (a, b) = teams();
    let facts = facts();
    assert_eq!(
        may_reassign_to(actor(S1), &facts, actor(W2), std::slice::from_ref(&a)),
        Ok(())
    );
    assert_eq!(
        may_reassign_to(actor(S1), &facts, actor(W3), std::slice::from_ref(&b)),
        Err(ReassignRefusal::NotInYourTeam)
    );
    assert_eq!(
        may_reassign_to(actor(S2), &facts, actor(W3), std::slice::from_ref(&b)),
        Err(ReassignRefusal::NotAllowed)
    );
    assert_eq!(
        may_reassign_to(actor(W1), &facts, actor(W2), std::slice::from_ref(&a)),
        Err(ReassignRefusal::NotAllowed)
    );
}

#[test]
fn only_the_assigned_worker_hands_a_case_over_and_only_to_a_user_it_is_shared_with() {
    let mut facts = facts();
    assert_eq!(
        may_hand_over_to(actor(W1), &facts, actor(W3)),
        Err(HandOverRefusal::NotShared),
        "share first, then hand over"
    );
    facts.shared_with.insert(user(W3));
    assert_eq!(
        may_hand_over_to(actor(W1), &facts, actor(W3)),
        Err(HandOverRefusal::NoConsent),
        "a survivor's case needs a standing consent"
    );
    facts.consents.push(consent(
        W3,
        InformationScope::UpTo(Classification::Standard),
    ));
    assert_eq!(may_hand_over_to(actor(W1), &facts, actor(W3)), Ok(()));
    for someone_else in [W3, S1, W2] {
        assert_eq!(
            may_hand_over_to(actor(someone_else), &facts, actor(W3)),
            Err(HandOverRefusal::NotAllowed),
            "neither the sharer, the supervisor nor a colleague hands a case over"
        );
    }
    facts.shared_with.insert(user(M1));
    assert_eq!(
        may_hand_over_to(actor(W1), &facts, actor(M1)),
        Err(HandOverRefusal::CannotHoldCases)
    );
    facts.consents[0].withdrawn_at = Some(chrono::Utc::now());
    assert_eq!(
        may_hand_over_to(actor(W1), &facts, actor(W3)),
        Err(HandOverRefusal::NoConsent),
        "a withdrawn consent stops the hand-over at once"
    );
    facts.survivor_controlled = false;
    assert_eq!(may_hand_over_to(actor(W1), &facts, actor(W3)), Ok(()));
}

#[test]
fn a_team_supervisor_reaches_only_the_case_types_the_team_handles() {
    let (_, b) = teams();
    let mut facts = facts();
    facts.assigned_to = user(W3);
    facts.assignee_teams = vec![b];
    assert!(may(actor(S2), &facts, CaseAction::Read));
    facts.case_type = "child_protection".into();
    assert!(
        !may(actor(S2), &facts, CaseAction::Read),
        "team B handles GBV only"
    );
}

// --- property: the projection never shows a value the rules deny ---------------------------

/// The rules of the seed, written out a second time, independently of the implementation.
fn spec_allows(
    actor: Actor,
    facts: &CaseFacts,
    field_id: &str,
    classification: Classification,
    grant_id: &str,
) -> bool {
    // Built-in roles by the seed's words; custom roles by the permissions they declare.
    let role = role_of(actor.id.as_u128());
    let custom = actor.permissions != role::Roles::built_in().permissions(&role);
    let holds_cases = if custom {
        actor.permissions.contains(Permission::HoldCases)
    } else {
        role == Role::CASE_WORKER || role == Role::SUPERVISOR
    };
    let assigned = facts.assigned_to == actor.id;
    let shared = facts.shared_with.contains(&actor.id);
    let oversees = if custom {
        actor.permissions.contains(Permission::ViewTeamCases)
    } else {
        role == Role::SUPERVISOR
    };
    let supervising = oversees
        && facts.assignee_teams.iter().any(|t| {
            t.supervisor == Some(actor.id)
                && (t.case_types.is_empty() || t.case_types.contains(&facts.case_type))
        });
    if !(holds_cases && (assigned || shared || supervising)) {
        return false;
    }
    let consented = facts.consents.iter().any(|c| {
        c.withdrawn_at.is_none()
            && match &c.recipient {
                Recipient::User(id) => *id == actor.id,
                Recipient::Agency { id, .. } => agency_of(actor.id.as_u128()) == Some(*id),
                Recipient::ExternalAgency(_) => false,
            }
            && match &c.information {
                InformationScope::UpTo(level) => {
                    classification <= *level && classification != Classification::Confidential
                }
                InformationScope::Fields(ids) => {
                    ids.contains(field_id) && classification != Classification::Confidential
                }
            }
    });
    match classification {
        Classification::Standard => true,
        Classification::Restricted => {
            assigned
                || (facts
                    .field_grants
                    .contains(&(actor.id, grant_id.to_string()))
                    && (!facts.survivor_controlled || consented))
        }
        Classification::Confidential => assigned,
    }
}

fn arb_facts() -> impl Strategy<Value = (Actor, CaseFacts)> {
    let users: Vec<u128> = vec![W1, W2, W3, S1, S2, M1, A1];
    let field_ids = vec!["status_note", "safety_plan", "perpetrator", "contacts"];
    (
        proptest::sample::select(users.clone()),
        proptest::sample::select(users.clone()),
        any::<bool>(),
        proptest::collection::btree_set(proptest::sample::select(users.clone()), 0..4),
        proptest::collection::btree_set(
            (
                proptest::sample::select(users.clone()),
                proptest::sample::select(field_ids.clone()),
            ),
            0..6,
        ),
        proptest::collection::vec(
            (
                proptest::sample::select(
                    users.iter().copied().chain([PARTNER]).collect::<Vec<_>>(),
                ),
                prop_oneof![
                    proptest::sample::select(Classification::ALL.to_vec())
                        .prop_map(InformationScope::UpTo),
                    proptest::collection::btree_set(
                        proptest::sample::select(field_ids.clone()),
                        0..3
                    )
                    .prop_map(|ids| InformationScope::Fields(
                        ids.into_iter().map(str::to_string).collect()
                    )),
                ],
                any::<bool>(),
            ),
            0..4,
        ),
        any::<(bool, bool)>(),
        // Half the time the actor holds a custom role: any permission set the rules accept.
        proptest::option::of(
            proptest::collection::vec(proptest::sample::select(Permission::ALL.to_vec()), 1..5)
                .prop_map(|p| PermissionSet::of(&p))
                .prop_filter("a valid custom role", |p| {
                    role::check_definition(*p).is_ok()
                }),
        ),
    )
        .prop_map(
            |(who, assignee, survivor, shared, grants, consents, (in_a, gbv_only), custom)| {
                let (mut a, b) = teams();
                if gbv_only {
                    a.case_types = ["child_protection".to_string()].into();
                }
                let facts = CaseFacts {
                    case_type: "gbv".into(),
                    survivor_controlled: survivor,
                    assigned_to: user(assignee),
                    assignee_teams: if in_a { vec![a] } else { vec![b] },
                    shared_with: shared.into_iter().map(user).collect(),
                    field_grants: grants
                        .into_iter()
                        .map(|(u, f)| (user(u), f.to_string()))
                        .collect(),
                    consents: consents
                        .into_iter()
                        .map(|(to, scope, withdrawn)| {
                            let mut c = consent(to, scope);
                            if withdrawn {
                                c.withdrawn_at = Some(chrono::Utc::now());
                            }
                            c
                        })
                        .collect(),
                };
                let mut actor = actor(who);
                if let Some(permissions) = custom {
                    actor.permissions = permissions;
                }
                (actor, facts)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn projection_never_returns_a_value_the_policy_denies((actor, facts) in arb_facts()) {
        let config = config();
        let case_type = gbv(&config);
        let fields = fields();
        let projected = project(actor, &facts, case_type, &fields);
        for (id, shown) in &projected {
            let field = case_type.form.field(id).unwrap();
            let allowed = spec_allows(actor, &facts, id, field.classification, id);
            match shown {
                Projected::Value(_) => prop_assert!(allowed, "{id} shown to {actor:?}"),
                Projected::Restricted => prop_assert!(!allowed, "{id} withheld from {actor:?} though allowed"),
                Projected::Group(items) => {
                    prop_assert!(allowed);
                    let FieldKind::RepeatingGroup { fields: members, .. } = &field.kind else { unreachable!() };
                    for item in items {
                        for (member_id, value) in item {
                            let member = members.iter().find(|m| &m.id == member_id).unwrap();
                            let member_allowed = spec_allows(actor, &facts, member_id, member.classification, id);
                            prop_assert_eq!(matches!(value, Projected::Value(_)), member_allowed, "{}.{}", id, member_id);
                        }
                    }
                }
            }
        }
        // Nothing at all for an actor who may not read the case; everything listed otherwise.
        let reads = spec_allows(actor, &facts, "status_note", Classification::Standard, "status_note");
        prop_assert_eq!(projected.is_empty(), !reads);
        // Writes are allowed exactly where values are shown in full.
        let denied = forbidden_writes(actor, &facts, case_type, ["status_note", "safety_plan", "perpetrator", "contacts"]);
        for id in ["status_note", "safety_plan", "perpetrator", "contacts"] {
            let shown_in_full = matches!(projected.get(id), Some(Projected::Value(_)));
            prop_assert_eq!(!denied.contains(&id.to_string()), shown_in_full, "write {}", id);
        }
        // The whole form's withheld fields, listed without looking each up, are what
        // `forbidden_writes` says of every field.
        let every_field = case_type.form.fields().map(|(_, field)| field.id.as_str());
        prop_assert_eq!(
            withheld_fields(actor, &facts, case_type),
            forbidden_writes(actor, &facts, case_type, every_field)
        );
    }
}

use crate::config::FieldKind;

#[test]
fn only_the_team_supervisor_decides_care_plans() {
    let facts = facts();
    assert!(may(actor(S1), &facts, CaseAction::DecideCarePlan));
    for who in [W1, W2, W3, S2, M1, A1] {
        assert!(
            !may(actor(who), &facts, CaseAction::DecideCarePlan),
            "user {who}"
        );
    }
    // A custom role with team oversight but without the approval permission does not decide.
    let mut overseer = actor(S1);
    overseer.permissions = PermissionSet::of(&[Permission::HoldCases, Permission::ViewTeamCases]);
    assert!(may(overseer, &facts, CaseAction::Read));
    assert!(!may(overseer, &facts, CaseAction::DecideCarePlan));
    // Supervision (quality reviews, discussion, supervision notes) is team oversight.
    assert!(may(overseer, &facts, CaseAction::Supervise));
    for who in [W1, W2, S2, M1, A1] {
        assert!(
            !may(actor(who), &facts, CaseAction::Supervise),
            "user {who}"
        );
    }
}
