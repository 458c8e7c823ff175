"""Error bodies as providers send them (provider-apis.md §2), shared by the check tests."""

from __future__ import annotations

from typing import Any

OPENAI_BAD_KEY = {
    "error": {
        "message": "Incorrect API key provided: sk-abc***wxyz. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
}
OPENAI_NO_MODEL = {
    "error": {
        "message": "The model `gpt-x` does not exist or you do not have access to it.",
        "type": "invalid_request_error",
        "param": "model",
        "code": "model_not_found",
    }
}
OPENAI_QUOTA = {
    "error": {
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "type": "insufficient_quota",
        "param": None,
        "code": "insufficient_quota",
    }
}
VLLM_NO_MODEL = {
    "object": "error",
    "message": "The model `gpt-x` does not exist.",
    "type": "NotFoundError",
    "param": None,
    "code": 404,
}
FASTAPI_NO_ROUTE = {"detail": "Not Found"}
LITELLM_NO_MODEL = {"detail": "The model `nope` does not exist or is not accessible"}
LLAMACPP_NO_ROUTE = {"error": {"message": "File Not Found", "type": "not_found_error", "code": 404}}
ANTHROPIC_NO_ROUTE = {"type": "error", "error": {"type": "not_found_error", "message": "Not Found"}}
ANTHROPIC_NO_MODEL = {
    "type": "error",
    "error": {"type": "not_found_error", "message": "model: claude-x"},
}
GEMINI_BAD_KEY = {
    "error": {
        "code": 400,
        "message": "API key not valid. Please pass a valid API key.",
        "status": "INVALID_ARGUMENT",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
            },
            {
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": "API key not valid. Please pass a valid API key.",
            },
        ],
    }
}
GEMINI_NO_MODEL = {
    "error": {
        "code": 404,
        "message": "models/x is not found for API version v1beta, or is not supported for "
        "generateContent.",
        "status": "NOT_FOUND",
    }
}


def gemini_quota(quota_id: str) -> dict[str, Any]:
    return {
        "error": {
            "code": 429,
            "status": "RESOURCE_EXHAUSTED",
            "message": "You exceeded your current quota. Please retry in 23.4s.",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                    "violations": [{"quotaMetric": "m", "quotaId": quota_id}],
                },
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "23s"},
            ],
        }
    }


def gemini(status: str, message: str, *reasons: str) -> dict[str, Any]:
    details = [{"reason": r, "domain": "googleapis.com"} for r in reasons]
    body: dict[str, Any] = {"code": 400, "message": message, "status": status}
    if details:
        body["details"] = details
    return {"error": body}


def azure(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


AZURE_NO_DEPLOYMENT = azure(
    "DeploymentNotFound",
    "The API deployment for this resource does not exist. If you created the deployment within "
    "the last 5 minutes, please wait a moment and try again.",
)
AZURE_NO_ROUTE = azure("404", "Resource not found")


def openai_error(message: str, etype: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": etype, "param": None, "code": code}}


GEMINI_REASON_ONLY = gemini("INVALID_ARGUMENT", "The provided key has expired.", "API_KEY_INVALID")
GEMINI_KEY_TEXT_ONLY = gemini("INVALID_ARGUMENT", "API key expired. Please renew the API key.")
GEMINI_BAD_ARGUMENT = gemini("INVALID_ARGUMENT", "Invalid JSON payload received.")
GEMINI_REGION = gemini("FAILED_PRECONDITION", "User location is not supported for the API use.")
GEMINI_NO_KEY = {"error": {"code": 403, "status": "PERMISSION_DENIED", "message": "unregistered"}}
GEMINI_API_DISABLED = {
    "error": {
        "code": 403,
        "status": "PERMISSION_DENIED",
        "message": "Generative Language API has not been used in project 1 or it is disabled.",
        "details": [{"reason": "SERVICE_DISABLED"}],
    }
}
GEMINI_PER_DAY = gemini_quota("GenerateRequestsPerDayPerProjectPerModel-FreeTier")
GEMINI_PER_MINUTE = gemini_quota("GenerateRequestsPerMinutePerProjectPerModel-FreeTier")
AZURE_API_VERSION = azure("BadRequest", "API version not supported")
AZURE_BAD_REQUEST = azure("BadRequest", "Something about the request")
AZURE_QUOTA = azure("QuotaExceeded", "Quota exceeded.")
AZURE_INNER_NO_DEPLOYMENT = {
    "error": {"message": "m", "innererror": {"code": "DeploymentNotFound"}}
}
GATEWAY_KEY_REQUIRED = openai_error("API key is required", "invalid_request_error")
NOT_FOUND_TYPED = openai_error("Not Found", "invalid_request_error")
NO_MESSAGE_TYPED = openai_error("", "invalid_request_error", "model_not_found")
