//! Which of Sanad's languages (French, Arabic, English) to answer in: the
//! one negotiation every endpoint that serves text uses.
//!
//! Order of precedence: `?lang=` (a link names its language), then the
//! `Accept-Language` header, then whatever the caller decides (the account's
//! locale, French); [`Asked`] holds the first two, and
//! [`Asked::for_caller`] adds the rest.

/// The languages Sanad is written in, French first (the default).
pub const SUPPORTED: [&str; 3] = ["fr", "ar", "en"];

/// The default language when nothing names one.
pub const DEFAULT: &str = "fr";

/// `code` as one of [`SUPPORTED`], when it is one (exact, lower case: the
/// codes Sanad stores and links carry).
pub fn supported(code: &str) -> Option<&'static str> {
    SUPPORTED.into_iter().find(|s| *s == code)
}

/// The supported language an `Accept-Language` header prefers: the highest
/// `q` wins (absent means 1, `q=0` means "not this one"), ties go to the
/// first listed; a range counts by its primary tag (`ar-MA` is `ar`), in
/// any case. `*` and unknown languages are passed over; `None` when no
/// supported language is acceptable.
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut best: Option<(&'static str, f32)> = None;
    for range in header.split(',') {
        let mut params = range.split(';');
        let tag = params.next().unwrap_or_default().trim();
        let primary = tag.split('-').next().unwrap_or_default().to_ascii_lowercase();
        let Some(language) = supported(&primary) else { continue };
        let q = params
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((language, q));
        }
    }
    best.map(|(language, _)| language)
}

/// The language a request itself names: `?lang=` when it is a supported
/// one, then the `Accept-Language` header; `None` when neither names one.
pub fn named(query: Option<&str>, accept_language: Option<&str>) -> Option<&'static str> {
    query.and_then(supported).or_else(|| accept_language.and_then(from_accept_language))
}

/// The language a request names: `?lang=` when it is a supported one, then
/// the `Accept-Language` header ([`named`]). Every endpoint that serves text
/// takes it as its `lang` argument, so the two are read in one place; the
/// OpenAPI document shows the query parameter, and the header is honoured as
/// HTTP says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Asked(pub Option<&'static str>);

impl Asked {
    /// The language to serve to `caller`: the one asked for, else the
    /// caller's locale, else [`DEFAULT`].
    pub fn for_caller(self, caller: Option<&crate::Caller>) -> &'static str {
        self.or_locale(caller.map(|c| c.locale.as_str()))
    }

    /// The language asked for, else `locale` when supported, else [`DEFAULT`].
    pub fn or_locale(self, locale: Option<&str>) -> &'static str {
        self.0.or_else(|| locale.and_then(supported)).unwrap_or(DEFAULT)
    }
}

impl<'a> poem_openapi::ApiExtractor<'a> for Asked {
    const TYPES: &'static [poem_openapi::ApiExtractorType] = &[poem_openapi::ApiExtractorType::Parameter];
    type ParamType = Option<String>;
    type ParamRawType = String;

    fn register(registry: &mut poem_openapi::registry::Registry) {
        <Option<String> as poem_openapi::types::Type>::register(registry);
    }

    fn param_in() -> Option<poem_openapi::registry::MetaParamIn> {
        Some(poem_openapi::registry::MetaParamIn::Query)
    }

    fn param_schema_ref() -> Option<poem_openapi::registry::MetaSchemaRef> {
        Some(<Option<String> as poem_openapi::types::Type>::schema_ref())
    }

    async fn from_request(
        request: &'a poem::Request,
        body: &mut poem::RequestBody,
        param_opts: poem_openapi::ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        let query = poem_openapi::param::Query::<Option<String>>::from_request(request, body, param_opts).await?;
        // A header that is not text names no language; it is not an error.
        let header = request.headers().get(poem::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        Ok(Self(named(query.0.as_deref(), header)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_supported_range_wins_in_a_browser_header() {
        assert_eq!(from_accept_language("de-DE, ar-MA;q=0.8, fr;q=0.5"), Some("ar"));
        assert_eq!(from_accept_language("en-GB,en;q=0.9"), Some("en"));
        assert_eq!(from_accept_language("FR-ca"), Some("fr"));
        assert_eq!(from_accept_language("de"), None);
        assert_eq!(from_accept_language(""), None);
        assert_eq!(from_accept_language("*"), None);
    }

    #[test]
    fn q_values_order_the_ranges() {
        assert_eq!(from_accept_language("fr;q=0.5, ar"), Some("ar"));
        assert_eq!(from_accept_language("en;q=0.3, ar;q=0.7, fr;q=0.7"), Some("ar"));
        assert_eq!(from_accept_language("ar;q=0, en;q=0.1"), Some("en"));
        assert_eq!(from_accept_language("ar;q=0"), None);
        assert_eq!(from_accept_language("ar; q=0.2 , fr;q=junk"), Some("fr"));
    }

    #[test]
    fn the_query_comes_first_then_the_header_then_the_locale() {
        assert_eq!(named(Some("ar"), Some("en")), Some("ar"));
        assert_eq!(named(Some("de"), Some("en")), Some("en"));
        assert_eq!(named(None, None), None);
        assert_eq!(Asked(named(None, None)).or_locale(Some("en")), "en");
        assert_eq!(Asked(named(None, Some("de"))).or_locale(Some("xx")), "fr");
        assert_eq!(Asked(named(Some("ar"), Some("en"))).or_locale(Some("en")), "ar");
    }
}
