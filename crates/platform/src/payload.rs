//! Request bodies the crates' endpoints share.

use poem::{FromRequest, RequestBody};
use poem_openapi::error::{ContentTypeError, ParseRequestPayloadError};
use poem_openapi::payload::{Json, Payload};
use poem_openapi::registry::{MetaMediaType, MetaRequest, Registry};
use poem_openapi::types::ParseFromJSON;
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions};

/// A JSON body that may be left out: no body at all (and no
/// `Content-Type`) is `None`, which `Json<Option<T>>` refuses for want of a
/// content type; outside clients post completions and start runs
/// with no body, while a device's outbox sends what it did offline in one.
pub struct OptionalJson<T>(pub Option<T>);

impl<'a, T: ParseFromJSON> ApiExtractor<'a> for OptionalJson<T> {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        T::register(registry);
    }

    fn request_meta() -> Option<MetaRequest> {
        Some(MetaRequest {
            description: None,
            content: vec![MetaMediaType { content_type: "application/json", schema: T::schema_ref() }],
            required: false,
        })
    }

    async fn from_request(request: &'a poem::Request, body: &mut RequestBody, _: ExtractParamOptions<()>) -> poem::Result<Self> {
        let data = <Vec<u8> as FromRequest>::from_request(request, body).await?;
        if data.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        let content_type = request.content_type().unwrap_or_default();
        if !Json::<T>::check_content_type(content_type) {
            return Err(ContentTypeError::NotSupported { content_type: content_type.to_string() }.into());
        }
        let value: serde_json::Value = serde_json::from_slice(&data).map_err(|e| ParseRequestPayloadError { reason: e.to_string() })?;
        let parsed = T::parse_from_json(Some(value)).map_err(|e| ParseRequestPayloadError { reason: e.into_message() })?;
        Ok(Self(Some(parsed)))
    }
}
