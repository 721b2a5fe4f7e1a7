//! Published lessons for the library's search: the courses crate read on
//! the library's behalf (neither crate depends on the other).

use sanad_courses::content::{CourseContent, ItemBody};
use sanad_library::lessons::{LessonSource, PublishedLesson};
use sanad_platform::Db;
use uuid::Uuid;

/// Reads published course versions from the courses' tables.
pub struct CourseLessons {
    pub db: Db,
}

#[async_trait::async_trait]
impl LessonSource for CourseLessons {
    async fn published_versions(&self) -> anyhow::Result<Vec<(Uuid, i64)>> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = sanad_courses::store::published_courses(&self.db, None, None, after, 500).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            out.extend(page.iter().filter_map(|c| c.published_version.map(|v| (c.id, v))));
        }
        Ok(out)
    }

    async fn lessons(&self, course: Uuid, version: i64) -> anyhow::Result<Vec<PublishedLesson>> {
        let Some(row) = sanad_courses::store::course_by_id(&self.db, course).await? else { return Ok(Vec::new()) };
        let Some(json) = sanad_courses::store::version_content(&self.db, course, version).await? else { return Ok(Vec::new()) };
        let content: CourseContent = serde_json::from_str(&json)?;
        let published_at = row.published_at.unwrap_or(row.updated_at);
        let mut out = Vec::new();
        for module in &content.modules {
            for item in &module.items {
                let ItemBody::Lesson(lesson) = &item.body else { continue };
                let t = &item.title;
                let titles = std::iter::once(t.fr.clone()).chain(t.ar.clone()).chain(t.en.clone()).filter(|s| !s.is_empty()).collect();
                out.push(PublishedLesson {
                    id: item.id,
                    course_slug: row.slug.clone(),
                    course_title: content.title.fr.clone(),
                    titles,
                    language: content.language.to_string(),
                    // Every language's text, so a reader finds the lesson in the words of their language.
                    text: std::iter::once(&lesson.markdown)
                        .chain(lesson.translations.values().map(|t| &t.markdown))
                        .map(|m| sanad_platform::markdown::to_plain_text(m))
                        .collect::<Vec<_>>()
                        .join("\n\n"),
                    published_at,
                });
            }
        }
        Ok(out)
    }
}
