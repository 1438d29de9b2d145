//! Downloads of a saved insight's result for people who may see it:
//! `GET /api/projects/:project_id/insights/:short_id/export.csv`, the rows of
//! the page's table (`domain::insight::export`) as CSV, and `export.png` /
//! `export.svg`, its chart (`?theme=dark`, `?width=&height=` in pixels).

use crate::api_errors;
use app::auth::session::AuthSession;
use app::error::AppError;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use backend::images::ImageFormat;
use backend::render::{ImageOptions, Theme, MAX_SIDE};
use backend::Backend;
use domain::{ProjectId, UserId};
use serde::Deserialize;

pub async fn insight_csv(
    State(backend): State<Backend>,
    auth: AuthSession,
    Path((project, short_id)): Path<(ProjectId, String)>,
) -> Response {
    let Some(session) = auth.user else {
        return api_errors::json(AppError::Unauthenticated);
    };
    match csv_of(&backend, session.user.id, project, &short_id).await {
        Ok((name, body)) => (
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.csv\"", file_name(&name)),
                ),
            ],
            body,
        )
            .into_response(),
        Err(error) => api_errors::json(error),
    }
}

/// How an exported image is drawn.
#[derive(Debug, Deserialize)]
pub struct ImageQuery {
    theme: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
}

impl ImageQuery {
    fn options(&self, title: String) -> Result<ImageOptions, AppError> {
        let defaults = ImageOptions::default();
        let side = |value: Option<u32>, default: u32, field: &str| match value {
            None => Ok(default),
            Some(v) if (100..=MAX_SIDE).contains(&v) => Ok(v),
            Some(_) => Err(AppError::Invalid(domain::Invalid::new(
                field,
                format!("Give {field} in pixels, from 100 to {MAX_SIDE}."),
            ))),
        };
        Ok(ImageOptions {
            width: side(self.width, defaults.width, "width")?,
            height: side(self.height, defaults.height, "height")?,
            theme: match self.theme.as_deref() {
                None | Some("light") => Theme::Light,
                Some("dark") => Theme::Dark,
                Some(_) => {
                    return Err(AppError::Invalid(domain::Invalid::new(
                        "theme",
                        "The theme is light or dark.",
                    )))
                }
            },
            title: Some(title),
            legend: true,
        })
    }
}

pub async fn insight_png(
    state: State<Backend>,
    auth: AuthSession,
    path: Path<(ProjectId, String)>,
    query: Query<ImageQuery>,
) -> Response {
    insight_image(state, auth, path, query, ImageFormat::Png).await
}

pub async fn insight_svg(
    state: State<Backend>,
    auth: AuthSession,
    path: Path<(ProjectId, String)>,
    query: Query<ImageQuery>,
) -> Response {
    insight_image(state, auth, path, query, ImageFormat::Svg).await
}

async fn insight_image(
    State(backend): State<Backend>,
    auth: AuthSession,
    Path((project, short_id)): Path<(ProjectId, String)>,
    Query(query): Query<ImageQuery>,
    format: ImageFormat,
) -> Response {
    let Some(session) = auth.user else {
        return api_errors::json(AppError::Unauthenticated);
    };
    let drawn = async {
        let scope = backend.meta.scope(session.user.id, project).await?;
        let insight = backend.meta.insight(&scope, &short_id).await?;
        let options = query.options(insight.display_name().to_owned())?;
        let image = backend
            .insight_image(&scope, &insight.query, options, format)
            .await?;
        Ok::<_, AppError>((insight.display_name().to_owned(), image))
    };
    match drawn.await {
        Ok((name, image)) => (
            [
                (CONTENT_TYPE, format.content_type().to_owned()),
                (
                    CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}.{}\"",
                        file_name(&name),
                        format.extension()
                    ),
                ),
            ],
            image.as_ref().clone(),
        )
            .into_response(),
        Err(error) => api_errors::json(error),
    }
}

/// The insight's name and its result as CSV.
async fn csv_of(
    backend: &Backend,
    user: UserId,
    project: ProjectId,
    short_id: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let scope = backend.meta.scope(user, project).await?;
    let insight = backend.meta.insight(&scope, short_id).await?;
    let outcome = backend
        .insight_outcome(&scope, &insight.query, false)
        .await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in domain::insight::export::table(&outcome.result) {
        writer
            .write_record(&row)
            .map_err(|err| AppError::internal(&err))?;
    }
    let body = writer
        .into_inner()
        .map_err(|err| AppError::internal(err.error()))?;
    Ok((insight.display_name().to_owned(), body))
}

/// A download's name from an insight's: letters, digits, spaces, `-` and
/// `_` kept, anything else (quotes, slashes) dropped.
fn file_name(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .collect();
    match kept.trim() {
        "" => "insight".to_owned(),
        kept => kept.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn download_names_keep_only_plain_characters() {
        assert_eq!(
            file_name("Sign-ups by \"plan\" / week"),
            "Sign-ups by plan  week"
        );
        assert_eq!(file_name("../\"\\"), "insight");
    }
}
