//! Who did what: the distinct id → person mapping, merges on `$identify` and
//! `$create_alias`, and person properties from `$set` / `$set_once`.
//!
//! Runs only on the ingestion writer thread, so it needs no locks. A
//! project's persons are loaded into memory the first time it sends events.
//! Distinct ids are indexed both ways, so a merge touches only the merged
//! person's ids.

use crate::ingest::raw::NewEvent;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Person {
    pub properties: Map<String, Value>,
    pub is_identified: bool,
    pub created_at: DateTime<Utc>,
}

/// One project's persons, with what changed since the last write.
#[derive(Debug, Default)]
pub struct ProjectPersons {
    by_distinct_id: HashMap<Arc<str>, Uuid>,
    /// Each person's distinct ids (the same strings as the keys above).
    distinct_ids: HashMap<Uuid, Vec<Arc<str>>>,
    persons: HashMap<Uuid, Person>,
    /// Persons to (re)write.
    pub dirty: HashSet<Uuid>,
    /// Distinct ids whose person changed.
    pub remapped: HashSet<Arc<str>>,
    /// Persons merged into another: (old, new).
    pub merged: Vec<(Uuid, Uuid)>,
}

impl ProjectPersons {
    pub fn load(mapping: Vec<(String, Uuid)>, persons: Vec<(Uuid, Person)>) -> Self {
        let mut loaded = Self {
            persons: persons.into_iter().collect(),
            ..Self::default()
        };
        for (distinct_id, person) in mapping {
            loaded.index(distinct_id.into(), person);
        }
        loaded
    }

    pub fn person(&self, id: &Uuid) -> Option<&Person> {
        self.persons.get(id)
    }

    pub fn person_of(&self, distinct_id: &str) -> Option<Uuid> {
        self.by_distinct_id.get(distinct_id).copied()
    }

    /// Applies one event and returns the person it belongs to.
    pub fn apply(&mut self, event: &NewEvent) -> Uuid {
        let other_id = match event.event.as_str() {
            "$identify" => event
                .properties
                .get("$anon_distinct_id")
                .and_then(Value::as_str),
            "$create_alias" => event.properties.get("alias").and_then(Value::as_str),
            _ => None,
        };
        // An empty id names nobody; linking it would tie unrelated persons together.
        let other_id =
            other_id.filter(|other| *other != event.distinct_id && !other.trim().is_empty());
        let person = match other_id {
            Some(other) => self.link(
                &event.distinct_id,
                other,
                event.event == "$create_alias",
                event.timestamp,
            ),
            None => self.resolve(&event.distinct_id, event.timestamp),
        };
        if event.event == "$identify" {
            self.update(person, |p| p.is_identified = true);
        }
        if !event.set.is_empty() || !event.set_once.is_empty() {
            self.update(person, |p| {
                for (key, value) in &event.set_once {
                    p.properties
                        .entry(key.clone())
                        .or_insert_with(|| value.clone());
                }
                for (key, value) in &event.set {
                    p.properties.insert(key.clone(), value.clone());
                }
            });
        }
        person
    }

    fn resolve(&mut self, distinct_id: &str, at: DateTime<Utc>) -> Uuid {
        if let Some(person) = self.person_of(distinct_id) {
            return person;
        }
        let person = self.create(at);
        self.map(distinct_id, person);
        person
    }

    /// Makes `main` and `other` one person. An anonymous person is merged into
    /// an identified one; two identified persons merge only on an alias.
    fn link(&mut self, main: &str, other: &str, force: bool, at: DateTime<Utc>) -> Uuid {
        match (self.person_of(main), self.person_of(other)) {
            (None, None) => {
                let person = self.create(at);
                self.map(main, person);
                self.map(other, person);
                person
            }
            (Some(person), None) => {
                self.map(other, person);
                person
            }
            (None, Some(person)) => {
                self.map(main, person);
                person
            }
            (Some(main_person), Some(other_person)) if main_person != other_person => {
                let other_identified = self
                    .persons
                    .get(&other_person)
                    .is_some_and(|p| p.is_identified);
                if force || !other_identified {
                    self.merge(other_person, main_person);
                }
                main_person
            }
            (Some(person), Some(_)) => person,
        }
    }

    /// Moves everything of `old` onto `new`; `new`'s property values win.
    fn merge(&mut self, old: Uuid, new: Uuid) {
        let Some(old_person) = self.persons.remove(&old) else {
            return;
        };
        for distinct_id in self.distinct_ids.remove(&old).unwrap_or_default() {
            self.map(distinct_id, new);
        }
        self.update(new, |person| {
            for (key, value) in old_person.properties {
                person.properties.entry(key).or_insert(value);
            }
            person.created_at = person.created_at.min(old_person.created_at);
        });
        self.dirty.remove(&old);
        self.merged.push((old, new));
    }

    fn create(&mut self, at: DateTime<Utc>) -> Uuid {
        let id = Uuid::now_v7();
        self.persons.insert(
            id,
            Person {
                properties: Map::new(),
                is_identified: false,
                created_at: at,
            },
        );
        self.dirty.insert(id);
        id
    }

    fn map(&mut self, distinct_id: impl Into<Arc<str>>, person: Uuid) {
        let distinct_id = distinct_id.into();
        self.index(distinct_id.clone(), person);
        self.remapped.insert(distinct_id);
    }

    fn index(&mut self, distinct_id: Arc<str>, person: Uuid) {
        let previous = self.by_distinct_id.insert(distinct_id.clone(), person);
        if previous == Some(person) {
            return;
        }
        if let Some(ids) = previous.and_then(|p| self.distinct_ids.get_mut(&p)) {
            ids.retain(|id| *id != distinct_id);
        }
        self.distinct_ids
            .entry(person)
            .or_default()
            .push(distinct_id);
    }

    fn update(&mut self, person: Uuid, change: impl FnOnce(&mut Person)) {
        if let Some(p) = self.persons.get_mut(&person) {
            change(p);
            self.dirty.insert(person);
        }
    }

    /// Forgets what was written.
    pub fn clear_changes(&mut self) {
        self.dirty.clear();
        self.remapped.clear();
        self.merged.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(name: &str, distinct_id: &str, properties: Value) -> NewEvent {
        NewEvent {
            uuid: Uuid::now_v7(),
            event: name.into(),
            distinct_id: distinct_id.into(),
            timestamp: Utc::now(),
            properties: properties.as_object().unwrap().clone(),
            set: Map::new(),
            set_once: Map::new(),
        }
    }

    fn person() -> Person {
        Person {
            properties: Map::new(),
            is_identified: false,
            created_at: Utc::now(),
        }
    }

    impl ProjectPersons {
        fn ids_of(&self, person: Uuid) -> Vec<&str> {
            let mut ids: Vec<&str> = self
                .distinct_ids
                .get(&person)
                .map(|ids| ids.iter().map(|id| &**id).collect())
                .unwrap_or_default();
            ids.sort();
            ids
        }
    }

    #[test]
    fn identify_merges_the_anonymous_visitor_into_the_user() {
        let mut persons = ProjectPersons::default();
        let anonymous = persons.apply(&event("$pageview", "anon-1", json!({})));
        let user = persons.apply(&event("$pageview", "user@example.com", json!({})));
        assert_ne!(anonymous, user);

        let after = persons.apply(&event(
            "$identify",
            "user@example.com",
            json!({"$anon_distinct_id": "anon-1"}),
        ));

        assert_eq!(after, user);
        assert_eq!(persons.person_of("anon-1"), Some(user));
        assert_eq!(persons.merged, vec![(anonymous, user)]);
        assert_eq!(persons.ids_of(user), ["anon-1", "user@example.com"]);
        assert!(persons.ids_of(anonymous).is_empty());
        assert!(persons.person(&anonymous).is_none());
        assert!(persons.person(&user).unwrap().is_identified);
    }

    #[test]
    fn identify_of_a_new_id_keeps_the_anonymous_persons_history() {
        let mut persons = ProjectPersons::default();
        let anonymous = persons.apply(&event("$pageview", "anon-1", json!({})));

        let identified = persons.apply(&event(
            "$identify",
            "user-7",
            json!({"$anon_distinct_id": "anon-1"}),
        ));

        assert_eq!(identified, anonymous);
        assert_eq!(persons.person_of("user-7"), Some(anonymous));
        assert!(persons.merged.is_empty());
    }

    #[test]
    fn two_identified_persons_merge_on_alias_but_not_on_identify() {
        let mut persons = ProjectPersons::default();
        let a = persons.apply(&event(
            "$identify",
            "a",
            json!({"$anon_distinct_id": "anon-a"}),
        ));
        let b = persons.apply(&event(
            "$identify",
            "b",
            json!({"$anon_distinct_id": "anon-b"}),
        ));

        persons.apply(&event("$identify", "a", json!({"$anon_distinct_id": "b"})));
        assert_ne!(
            persons.person_of("a"),
            persons.person_of("b"),
            "identify never merges two known users"
        );

        persons.apply(&event("$create_alias", "a", json!({"alias": "b"})));
        assert_eq!(persons.person_of("b"), Some(a));
        assert_eq!(persons.person_of("anon-b"), Some(a));
        assert!(persons.person(&b).is_none());
    }

    #[test]
    fn a_merge_moves_only_the_merged_persons_ids() {
        let mut persons = ProjectPersons::load(
            vec![
                ("anon-1".into(), Uuid::from_u128(1)),
                ("anon-2".into(), Uuid::from_u128(1)),
                ("other".into(), Uuid::from_u128(3)),
                ("user".into(), Uuid::from_u128(2)),
            ],
            [1, 2, 3].map(|n| (Uuid::from_u128(n), person())).to_vec(),
        );

        persons.apply(&event(
            "$identify",
            "user",
            json!({"$anon_distinct_id": "anon-1"}),
        ));

        let user = Uuid::from_u128(2);
        assert_eq!(persons.ids_of(user), ["anon-1", "anon-2", "user"]);
        assert_eq!(persons.person_of("anon-2"), Some(user));
        let mut remapped: Vec<&str> = persons.remapped.iter().map(|id| &**id).collect();
        remapped.sort();
        assert_eq!(
            remapped,
            ["anon-1", "anon-2"],
            "untouched ids are not rewritten"
        );
        assert_eq!(persons.ids_of(Uuid::from_u128(3)), ["other"]);
    }

    #[test]
    fn an_empty_alias_links_nobody() {
        let mut persons = ProjectPersons::default();
        let a = persons.apply(&event("$create_alias", "a", json!({"alias": ""})));
        let b = persons.apply(&event("$create_alias", "b", json!({"alias": " "})));

        assert_ne!(a, b);
        assert_eq!(persons.person_of(""), None);
    }

    #[test]
    fn set_overwrites_and_set_once_only_fills_gaps() {
        let mut persons = ProjectPersons::default();
        let mut first = event("$set", "u", json!({}));
        first.set = json!({"plan": "free"}).as_object().unwrap().clone();
        first.set_once = json!({"first_seen_plan": "free"})
            .as_object()
            .unwrap()
            .clone();
        let mut second = event("$set", "u", json!({}));
        second.set = json!({"plan": "pro"}).as_object().unwrap().clone();
        second.set_once = json!({"first_seen_plan": "pro"})
            .as_object()
            .unwrap()
            .clone();

        let person = persons.apply(&first);
        persons.apply(&second);

        let properties = &persons.person(&person).unwrap().properties;
        assert_eq!(properties["plan"], json!("pro"));
        assert_eq!(properties["first_seen_plan"], json!("free"));
    }

    #[test]
    fn merged_properties_keep_the_surviving_persons_values() {
        let mut persons = ProjectPersons::default();
        let mut anon = event("$pageview", "anon", json!({}));
        anon.set = json!({"utm_source": "ads", "plan": "none"})
            .as_object()
            .unwrap()
            .clone();
        let mut user = event("$set", "user", json!({}));
        user.set = json!({"plan": "pro"}).as_object().unwrap().clone();
        persons.apply(&anon);
        let survivor = persons.apply(&user);

        persons.apply(&event(
            "$identify",
            "user",
            json!({"$anon_distinct_id": "anon"}),
        ));

        let properties = &persons.person(&survivor).unwrap().properties;
        assert_eq!(properties["plan"], json!("pro"));
        assert_eq!(properties["utm_source"], json!("ads"));
    }
}
