from fastapi import APIRouter, Request, Response, status

from interview_core.accounts.schemas import (
    EmailVerification,
    RegisterRequest,
    RegistrationAccepted,
)
from interview_core.accounts.service import complete_registration, register_candidate
from interview_core.auth.dependencies import CurrentSignIn, DbSession
from interview_core.auth.schemas import LoginRequest, PasswordChange, RefreshRequest, TokenResponse
from interview_core.auth.service import (
    TokenPair,
    change_password,
    login,
    refresh,
    revoke_session,
    start_session,
)
from interview_core.errors.openapi import problems

router = APIRouter(prefix="/auth", tags=["auth"])


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _tokens(pair: TokenPair) -> TokenResponse:
    return TokenResponse(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


@router.post(
    "/register",
    response_model=RegistrationAccepted,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(429),
)
def register(body: RegisterRequest, request: Request, session: DbSession) -> RegistrationAccepted:
    """Register as a candidate: a link to confirm the address is e-mailed to it, and the
    account exists once it is opened (POST /auth/verify-email). With the invite token of an
    interview sent to this address, the account is created at once. The answer is the same
    whether or not the address already has an account. Recruiters join by invite; admins come
    from the CLI."""
    register_candidate(
        session,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        preferred_language=body.preferred_language,
        invite_token=body.invite_token,
        ip_address=_client_address(request),
    )
    return RegistrationAccepted(
        email=body.email,
        detail=(
            "Check your mail: we sent a message to this address. Open the link in it to finish "
            "(or, if you already have an account, sign in)."
        ),
    )


@router.post(
    "/verify-email",
    response_model=TokenResponse,
    responses=problems(403, 409, 429),
)
def verify_email(body: EmailVerification, request: Request, session: DbSession) -> TokenResponse:
    """Open a registration's e-mail link, with the password chosen when registering: the
    account is created and signed in."""
    user = complete_registration(session, body.token, body.password, _client_address(request))
    return _tokens(start_session(session, user))


@router.post("/login", response_model=TokenResponse, responses=problems(401, 403, 429))
def post_login(body: LoginRequest, request: Request, session: DbSession) -> TokenResponse:
    """Exchange email and password for an access token and a refresh token."""
    return _tokens(login(session, body.email, body.password, _client_address(request)))


@router.post("/refresh", response_model=TokenResponse, responses=problems(401))
def post_refresh(body: RefreshRequest, session: DbSession) -> TokenResponse:
    """Exchange a refresh token (once) for a new pair."""
    return _tokens(refresh(session, body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def post_logout(signed_in: CurrentSignIn, session: DbSession) -> Response:
    """End this sign-in: its access and refresh tokens stop working at once."""
    revoke_session(session, signed_in.session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/password", response_model=TokenResponse, responses=problems(403, 429))
def post_password(
    body: PasswordChange, request: Request, signed_in: CurrentSignIn, session: DbSession
) -> TokenResponse:
    """Change the password; every sign-in ends and a fresh token pair is returned. Wrong
    current passwords are throttled like failed logins of the account."""
    return _tokens(
        change_password(
            session,
            signed_in.user,
            body.current_password,
            body.new_password,
            _client_address(request),
        )
    )
