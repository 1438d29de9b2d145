//! The inline form for a definition's description, tags, owner and
//! verification.

use crate::components::form::{field_error, form_error, FormAlert, Submit};
use crate::error::AppError;
use domain::definitions::DefinitionId;
use domain::organization::Member;
use domain::ProjectId;
use leptos::prelude::*;

/// Which definition is being edited, and its current notes.
#[derive(Debug, Clone)]
pub struct Target {
    pub project: ProjectId,
    /// "event" or "property".
    pub kind: &'static str,
    pub id: DefinitionId,
    pub description: String,
    pub tags: String,
    pub owner_id: Option<domain::UserId>,
    pub verified: bool,
}

#[server(prefix = "/api", endpoint = "annotate_definition")]
pub async fn annotate_definition(
    project_id: ProjectId,
    kind: String,
    id: DefinitionId,
    description: String,
    tags: String,
    owner_id: Option<String>,
    verified: Option<String>,
) -> Result<(), AppError> {
    use domain::definitions::DefinitionNotes;
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let owner_id = match owner_id.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        Some(owner) => Some(
            owner
                .parse()
                .map_err(|_| domain::Invalid::new("owner_id", "Choose an owner from the list."))?,
        ),
        None => None,
    };
    let notes = DefinitionNotes::parse(&description, &tags, owner_id, verified.is_some())?;
    let meta = &backend.meta;
    match kind.as_str() {
        "event" => meta.annotate_event_definition(&scope, id, &notes).await?,
        "property" => {
            meta.annotate_property_definition(&scope, id, &notes)
                .await?
        }
        _ => return Err(AppError::NotFound),
    }
    Ok(())
}

#[component]
pub fn DefinitionEditor(
    target: Target,
    members: Vec<Member>,
    saved: RwSignal<u32>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let action = ServerAction::<AnnotateDefinition>::new();
    Effect::new(move || {
        if let Some(Ok(())) = action.value().get() {
            open.set(false);
            saved.update(|n| *n += 1);
        }
    });
    let owner = target.owner_id;
    view! {
        <button type="button" class="btn btn-ghost" on:click=move |_| open.update(|o| *o = !*o)>"Edit"</button>
        <div class="editor" class:hidden=move || !open.get()>
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="project_id" value=target.project.to_string()/>
                <input type="hidden" name="kind" value=target.kind/>
                <input type="hidden" name="id" value=target.id.to_string()/>
                <label class="field">
                    <span class="field-label">"Description"</span>
                    <textarea name="description" rows="3" maxlength="2000">{target.description}</textarea>
                    <span class="field-error">{move || field_error(action, "description").get()}</span>
                </label>
                <label class="field">
                    <span class="field-label">"Tags"</span>
                    <input type="text" name="tags" value=target.tags placeholder="comma, separated"/>
                    <span class="field-error">{move || field_error(action, "tags").get()}</span>
                </label>
                <label class="field">
                    <span class="field-label">"Owner"</span>
                    <select name="owner_id">
                        <option value="" selected=owner.is_none()>"No owner"</option>
                        {members.into_iter().map(|m| view! {
                            <option value=m.user_id.to_string() selected=owner == Some(m.user_id)>{m.name}</option>
                        }).collect_view()}
                    </select>
                    <span class="field-error">{move || field_error(action, "owner_id").get()}</span>
                </label>
                <label class="checkbox">
                    <input type="checkbox" name="verified" checked=target.verified/>
                    " Verified: the team can rely on this definition"
                </label>
                <FormAlert error=form_error(action)/>
                <Submit label="Save" pending=action.pending()/>
            </ActionForm>
        </div>
    }
}
