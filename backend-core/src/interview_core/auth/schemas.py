from typing import Annotated, Literal

from pydantic import BaseModel, Field

from interview_core.accounts.schemas import Email, Password, StrictInput


class LoginRequest(StrictInput):
    email: Email
    password: Password


class RefreshRequest(StrictInput):
    refresh_token: Annotated[str, Field(min_length=1, max_length=256)]


class PasswordChange(StrictInput):
    current_password: Password
    new_password: Password


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    # Seconds until the access token expires.
    expires_in: int
