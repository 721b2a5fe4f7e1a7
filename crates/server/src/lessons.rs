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
                // One document per language the lesson is written in: a reader finds it with the
                // words of their language, and sees its title and text in that language.
                let versions = std::iter::once((content.language, &lesson.markdown))
                    .chain(lesson.translations.iter().filter(|(_, t)| !t.markdown.trim().is_empty()).map(|(l, t)| (*l, &t.markdown)));
                for (language, markdown) in versions {
                    let t = &item.title;
                    let (title, _) = t.pick(language.as_str());
                    let titles = std::iter::once(title.to_string())
                        .chain([Some(t.fr.clone()), t.ar.clone(), t.en.clone()].into_iter().flatten().filter(|s| s != title))
                        .filter(|s| !s.is_empty())
                        .collect();
                    out.push(PublishedLesson {
                        id: item.id,
                        course_slug: row.slug.clone(),
                        course_title: content.title.pick(language.as_str()).0.to_string(),
                        titles,
                        language: language.to_string(),
                        text: sanad_platform::markdown::to_plain_text(markdown),
                        published_at,
                    });
                }
            }
        }
        Ok(out)
    }
}
