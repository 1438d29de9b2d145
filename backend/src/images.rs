//! Insight results as images, cached by what they show: the insight's query,
//! the result's computation (a new result is a new image), size and theme.

use crate::render::{self, ImageOptions};
use crate::{Backend, Error, ProjectScope, Result};
use chrono::{DateTime, Utc};
use domain::insight::InsightQuery;
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// Images kept; a chart's PNG is tens of kilobytes.
const CACHED_IMAGES: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    Png,
    Svg,
}

impl ImageFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Svg => "image/svg+xml",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Svg => "svg",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    project: domain::ProjectId,
    query: String,
    computed_at: DateTime<Utc>,
    options: ImageOptions,
    format: ImageFormat,
}

#[derive(Clone)]
pub(crate) struct ImageCache(Arc<Mutex<LruCache<Key, Arc<Vec<u8>>>>>);

impl Default for ImageCache {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(LruCache::new(
            NonZeroUsize::new(CACHED_IMAGES).expect("not zero"),
        ))))
    }
}

impl Backend {
    /// The query's current result drawn as an image.
    pub async fn insight_image(
        &self,
        scope: &ProjectScope,
        query: &InsightQuery,
        options: ImageOptions,
        format: ImageFormat,
    ) -> Result<Arc<Vec<u8>>> {
        let outcome = self.insight_outcome(scope, query, false).await?;
        let key = Key {
            project: scope.project_id(),
            query: query.to_json(),
            computed_at: outcome.last_refresh,
            options,
            format,
        };
        if let Some(image) = self
            .images
            .0
            .lock()
            .ok()
            .and_then(|mut c| c.get(&key).cloned())
        {
            return Ok(image);
        }
        let display = query.display();
        let drawn_options = key.options.clone();
        // Drawing is CPU work: off the async threads.
        let image = tokio::task::spawn_blocking(move || {
            let svg = render::svg(&outcome.result, display, &drawn_options)?;
            match format {
                ImageFormat::Svg => Ok(svg.into_bytes()),
                ImageFormat::Png => render::png(&svg, drawn_options.width, drawn_options.height),
            }
        })
        .await?
        .map_err(Error::Render)?;
        let image = Arc::new(image);
        if let Ok(mut cache) = self.images.0.lock() {
            cache.put(key, image.clone());
        }
        Ok(image)
    }
}
