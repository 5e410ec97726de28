//! Caseward's HTTP server: the JSON API under `/api/v1`, its OpenAPI document, health
//! endpoints, and the embedded web app.
//!
//! Architecture invariant: this is the only crate that knows HTTP and JSON. Handlers convert
//! between API types (defined here) and domain/store types at the edge.

mod admin;
mod agencies;
mod alerts;
mod assets;
mod attachments;
mod audit;
mod audit_api;
mod auth;
mod care_plans;
mod case_context;
mod caseload;
mod cases;
mod config_api;
pub mod config_edit;
mod config_history;
pub mod config_migration;
pub mod config_versions;
mod consents;
mod dashboard;
mod deadline_sweep;
mod extract;
mod handover;
mod health;
mod iso_time;
pub mod jobs;
pub mod mailer;
mod mfa;
mod notes;
mod panel;
mod password_work;
mod problem;
mod projection_json;
mod reauth;
mod reports;
mod search;
mod session;
mod sharing;
#[cfg(feature = "testing")]
pub mod smtp_receiver;
mod state;
mod supervision;
mod transitions;
mod values;
pub mod xlsform;
#[cfg(feature = "testing")]
pub mod xlsx_writer;

pub use assets::web_app_embedded;
pub use problem::{ApiError, Problem};
pub use search::search_tokens;
pub use state::{AppState, ServerSettings};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Caseward API",
        description = "Protection case management: cases, their configuration, and the session that reaches them. Errors are RFC 9457 problem details.",
        license(name = "AGPL-3.0-or-later")
    ),
    tags(
        (name = "auth", description = "Login, logout, the current user"),
        (name = "cases", description = "Cases: list, open, read, update"),
        (name = "config", description = "Case types, forms, stages, option lists"),
        (name = "sharing", description = "Shares, field grants, reassignment within a team"),
        (name = "attachments", description = "A case's documents, stream-encrypted at rest"),
        (name = "consent", description = "Consent records that govern sharing"),
        (name = "admin", description = "Users and teams (administrators; never case content)"),
        (name = "reports", description = "Anonymised aggregate reports (programme managers; counts only, small cells suppressed)"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
struct ApiDoc;

/// The API's routes and their OpenAPI description, built in one place.
fn api() -> (Router<state::SharedState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(mfa::second_factor))
        .routes(routes!(mfa::enrol))
        .routes(routes!(mfa::confirm_enrolment))
        .routes(routes!(config_api::get_config))
        .routes(routes!(
            config_history::list_versions,
            config_history::propose_version
        ))
        .routes(routes!(config_history::get_version))
        .routes(routes!(config_history::change_configuration))
        .routes(routes!(config_history::get_entities))
        .routes(routes!(xlsform::import_xlsform))
        .routes(routes!(config_history::restore_version))
        .routes(routes!(cases::list_cases, cases::create_case))
        .routes(routes!(cases::get_case, cases::update_case))
        .routes(routes!(sharing::case_access))
        .routes(routes!(sharing::share_case))
        .routes(routes!(sharing::revoke_share))
        .routes(routes!(sharing::grant_field))
        .routes(routes!(sharing::revoke_field_grant))
        .routes(routes!(sharing::assignable))
        .routes(routes!(sharing::reassign))
        .routes(routes!(handover::hand_over))
        .routes(routes!(notes::list_notes, notes::create_note))
        .routes(routes!(
            care_plans::list_care_plans,
            care_plans::save_care_plan
        ))
        .routes(routes!(care_plans::decide_care_plan))
        .routes(routes!(care_plans::approval_queue))
        .routes(routes!(
            panel::list_panel_decisions,
            panel::record_panel_decision
        ))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(reports::case_report))
        .routes(routes!(supervision::review_sample))
        .routes(routes!(
            supervision::list_quality_reviews,
            supervision::create_quality_review
        ))
        .routes(routes!(supervision::mark_for_discussion))
        .routes(routes!(supervision::create_supervision_note))
        .routes(routes!(supervision::supervision))
        .routes(routes!(alerts::list_alerts))
        .routes(routes!(alerts::read_alert))
        .routes(routes!(
            alerts::notification_settings,
            alerts::change_notification_settings
        ))
        .routes(routes!(
            transitions::case_transitions,
            transitions::transition_case
        ))
        .routes(routes!(
            attachments::list_attachments,
            attachments::upload_attachment
        ))
        .routes(routes!(
            attachments::download_attachment,
            attachments::remove_attachment
        ))
        .routes(routes!(audit_api::case_audit))
        .routes(routes!(audit_api::search_audit))
        .routes(routes!(audit_api::export_audit))
        .routes(routes!(sharing::directory))
        .routes(routes!(consents::list_consents, consents::record_consent))
        .routes(routes!(consents::withdraw_consent))
        .routes(routes!(admin::list_users, admin::create_user))
        .routes(routes!(admin::update_user))
        .routes(routes!(agencies::list_agencies, agencies::create_agency))
        .routes(routes!(agencies::rename_agency))
        .routes(routes!(admin::list_teams, admin::create_team))
        .routes(routes!(admin::update_team))
        .routes(routes!(admin::add_member, admin::remove_member))
        .split_for_parts()
}

/// The OpenAPI 3.1 document, as pretty JSON.
pub fn openapi_json() -> String {
    api()
        .1
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: API, OpenAPI document, web app, and the layers around them.
///
/// The layers that need nothing of the route wrap the router once, outside it. Added with
/// `Router::layer` they wrapped each route's service in a box of its own, one box in another,
/// and every request cloned the route's whole nest: about 55 allocations a request, for nine
/// layers. Only the trace layer stays on the routes, as it names the route matched (its
/// template, never the concrete path).
pub fn app(
    state: AppState,
) -> impl tower::Service<
    axum::extract::Request,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future: Send + 'static,
> + Clone
+ Send
+ Sync
+ 'static {
    let (api, spec) = api();
    let spec_json = spec.to_json().expect("the OpenAPI document serialises");
    let body_limit = state.settings.body_limit;
    let router = api
        .route(
            "/api/v1/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], spec_json) }),
        )
        .fallback(assets::serve_asset)
        .with_state(state::SharedState::new(&state))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                // Log the route template, never the concrete path or query (ids and search text).
                let route = request
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "(web app)".to_owned());
                let request_id = request
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-")
                    .to_owned();
                tracing::info_span!("request", method = %request.method(), route, request_id)
            }),
        );
    // Outermost first.
    tower::ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .service(router)
}

/// Serve until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let checkpoints = tokio::spawn(audit::sign_checkpoints(state.clone()));
    let background = state
        .settings
        .background_jobs
        .then(|| tokio::spawn(jobs::run(state.clone())));
    // The peer address is needed for per-address login throttling.
    let service = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
        std::net::SocketAddr,
    >(app(state));
    let served = axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await;
    checkpoints.abort();
    if let Some(background) = background {
        background.abort();
    }
    served
}
