from fastapi import APIRouter, Request, Response, status

from interview_core.accounts.schemas import RegisterRequest, UserRead
from interview_core.accounts.service import register_candidate
from interview_core.auth.dependencies import CurrentSignIn, DbSession
from interview_core.auth.schemas import LoginRequest, PasswordChange, RefreshRequest, TokenResponse
from interview_core.auth.service import TokenPair, change_password, login, refresh, revoke_session
from interview_core.errors.openapi import problems

router = APIRouter(prefix="/auth", tags=["auth"])


def _tokens(pair: TokenPair) -> TokenResponse:
    return TokenResponse(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


@router.post(
    "/register",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
)
def register(body: RegisterRequest, session: DbSession) -> UserRead:
    """Create a candidate account. Recruiters join by invite; admins come from the CLI."""
    user = register_candidate(
        session, body.email, body.password, body.full_name, body.preferred_language
    )
    return UserRead.model_validate(user)


@router.post("/login", response_model=TokenResponse, responses=problems(401, 429))
def post_login(body: LoginRequest, request: Request, session: DbSession) -> TokenResponse:
    """Exchange email and password for an access token and a refresh token."""
    ip_address = request.client.host if request.client else "unknown"
    return _tokens(login(session, body.email, body.password, ip_address))


@router.post("/refresh", response_model=TokenResponse, responses=problems(401))
def post_refresh(body: RefreshRequest, session: DbSession) -> TokenResponse:
    """Exchange a refresh token (once) for a new pair."""
    return _tokens(refresh(session, body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def post_logout(signed_in: CurrentSignIn, session: DbSession) -> Response:
    """End this sign-in: its access and refresh tokens stop working at once."""
    revoke_session(session, signed_in.session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/password", response_model=TokenResponse, responses=problems(403))
def post_password(
    body: PasswordChange, signed_in: CurrentSignIn, session: DbSession
) -> TokenResponse:
    """Change the password; every sign-in ends and a fresh token pair is returned."""
    return _tokens(
        change_password(session, signed_in.user, body.current_password, body.new_password)
    )
