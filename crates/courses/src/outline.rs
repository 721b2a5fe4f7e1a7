//! The outline of published courses for the progress crate: which items a
//! version holds, in which modules, and what each module requires first.

use async_trait::async_trait;
use sanad_platform::learning::{CourseOutline, CourseOutlines, ItemKind, OutlineItem, OutlineModule, Titles};
use sanad_platform::{Error, Result};
use std::sync::Arc;
use uuid::Uuid;

use crate::content::{CourseContent, ItemBody, Localized};
use crate::service::Courses;
use crate::store::CourseRow;

impl From<&Localized> for Titles {
    fn from(l: &Localized) -> Self {
        Titles { fr: l.fr.clone(), ar: l.ar.clone(), en: l.en.clone() }
    }
}

/// The outline of `content`, published as `version` of `course`.
pub fn outline_of(course: &CourseRow, version: i64, content: &CourseContent) -> CourseOutline {
    let module_id = |key: &str| content.modules.iter().find(|m| m.key == key).map(|m| m.id);
    CourseOutline {
        course_id: course.id,
        slug: course.slug.clone(),
        version,
        title: (&content.title).into(),
        estimated_minutes: content.estimated_minutes,
        modules: content
            .modules
            .iter()
            .map(|m| OutlineModule {
                id: m.id,
                title: (&m.title).into(),
                requires: m.requires.iter().filter_map(|k| module_id(k)).collect(),
                items: m
                    .items
                    .iter()
                    .map(|i| OutlineItem {
                        id: i.id,
                        kind: match i.body {
                            ItemBody::Lesson(_) => ItemKind::Lesson,
                            ItemBody::Quiz(_) => ItemKind::Quiz,
                            ItemBody::CaseStudy(_) => ItemKind::CaseStudy,
                        },
                        title: (&i.title).into(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

impl Courses {
    async fn published_outline(&self, course: CourseRow) -> Result<Option<Arc<CourseOutline>>> {
        let Some(version) = course.published_version else { return Ok(None) };
        Ok(Some(self.outline_of_version(&course, version).await?))
    }
}

#[async_trait]
impl CourseOutlines for Courses {
    async fn outline_by_slug(&self, slug: &str) -> Result<Option<Arc<CourseOutline>>> {
        match self.published_course_by_slug(slug).await {
            Ok(course) => self.published_outline(course).await,
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn outline_by_id(&self, course: Uuid) -> Result<Option<Arc<CourseOutline>>> {
        Ok(self.outlines_by_id(&[course]).await?.pop())
    }

    async fn outlines_by_id(&self, courses: &[Uuid]) -> Result<Vec<Arc<CourseOutline>>> {
        let mut outlines = Vec::with_capacity(courses.len());
        for course in self.courses_by_ids(courses).await? {
            if let Some(outline) = self.published_outline(course).await? {
                outlines.push(outline);
            }
        }
        Ok(outlines)
    }

    async fn outline_of_item(&self, item: Uuid) -> Result<Option<Arc<CourseOutline>>> {
        match self.published_home(item).await {
            Ok((course, version)) => Ok(Some(self.outline_of_version(&course, version).await?)),
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
