"""The messages the platform sends, in the recipient's language (English or Korean).

Plain text only: every client shows it, and a link in plain text cannot hide another target.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from interview_core.mail.models import MailPurpose


@dataclass(frozen=True)
class OutgoingMail:
    purpose: MailPurpose
    to: str
    subject: str
    body: str
    # The row the message is about, kept with its delivery record.
    reference_id: uuid.UUID | None = None


LANGUAGE_NAMES = {
    "en": {"en": "English", "ko": "Korean"},
    "ko": {"en": "영어", "ko": "한국어"},
}


def _language(language: str) -> str:
    return "ko" if language == "ko" else "en"


def verification_mail(
    to: str, language: str, link: str, valid_hours: int, registration_id: uuid.UUID
) -> OutgoingMail:
    if _language(language) == "ko":
        subject = "이메일 주소를 확인하세요"
        body = (
            "누군가(아마도 본인이) 이 주소로 AI 면접 플랫폼 계정을 등록했습니다.\n\n"
            "등록을 마치려면 아래 링크를 열고 등록할 때 정한 비밀번호를 입력하세요:\n"
            f"{link}\n\n"
            f"링크는 {valid_hours}시간 동안 유효합니다. 본인이 등록하지 않았다면 이 메일을 "
            "무시하세요. 링크를 열지 않으면 계정은 만들어지지 않습니다.\n"
        )
    else:
        subject = "Confirm your e-mail address"
        body = (
            "Someone (we hope you) registered an account on the AI Interview Platform with "
            "this address.\n\n"
            "To finish, open this link and enter the password you chose:\n"
            f"{link}\n\n"
            f"The link works for {valid_hours} hours. If you did not register, ignore this "
            "message: no account is created unless the link is opened.\n"
        )
    return OutgoingMail(MailPurpose.VERIFY_EMAIL, to, subject, body, registration_id)


def existing_account_mail(to: str, language: str, sign_in_url: str) -> OutgoingMail:
    if _language(language) == "ko":
        subject = "누군가 이 이메일 주소로 가입을 시도했습니다"
        body = (
            "누군가 이미 계정이 있는 이 주소로 AI 면접 플랫폼 계정을 만들려고 했습니다.\n\n"
            "본인이었다면 이미 계정이 있습니다. 비밀번호로 로그인하세요:\n"
            f"{sign_in_url}\n"
            "면접 초대 링크를 받았다면 로그인한 뒤 그 링크를 다시 여세요.\n\n"
            "본인이 아니라면 이 메일을 무시하세요. 계정은 바뀌지 않았습니다.\n"
        )
    else:
        subject = "Someone tried to register with your e-mail address"
        body = (
            "Someone tried to create an account on the AI Interview Platform with this "
            "address, which already has one.\n\n"
            "If it was you: you already have an account. Sign in with your password:\n"
            f"{sign_in_url}\n"
            "If you came from an interview invitation, sign in, then open the invitation link "
            "again.\n\n"
            "If it was not you, ignore this message: your account has not changed.\n"
        )
    return OutgoingMail(MailPurpose.EXISTING_ACCOUNT, to, subject, body)


def interview_invite_mail(
    *,
    to: str,
    language: str,
    organisation: str,
    job_title: str,
    question_count: int,
    link: str,
    closes_at: datetime | None,
    interview_id: uuid.UUID,
) -> OutgoingMail:
    """In the interview's language: the candidate will be interviewed in it."""
    lang = _language(language)
    spoken = LANGUAGE_NAMES[lang][lang]
    if lang == "ko":
        subject = f"{organisation}에서 '{job_title}' 면접에 초대합니다"
        deadline = f"{closes_at:%Y-%m-%d %H:%M} (UTC)까지 마쳐 주세요.\n" if closes_at else ""
        body = (
            f"{organisation}에서 '{job_title}' 직무의 구조화 음성 면접에 초대합니다.\n\n"
            f"질문은 {question_count}개이며 {spoken}로 진행됩니다. 브라우저에서 말하거나 "
            "입력해서 답합니다.\n"
            f"{deadline}\n"
            "아래 개인 초대 링크로 시작하세요 (다른 사람과 공유하지 마세요):\n"
            f"{link}\n\n"
            f"이 이메일 주소({to})로 계정을 만들거나, 이미 계정이 있으면 로그인하세요.\n"
        )
    else:
        subject = f"{organisation} invites you to an interview: {job_title}"
        deadline = (
            f"Please complete it before {closes_at:%Y-%m-%d %H:%M} UTC.\n" if closes_at else ""
        )
        body = (
            f"{organisation} invites you to a structured spoken interview for the role "
            f'"{job_title}".\n\n'
            f"It has {question_count} questions, in {spoken}; you answer by voice or by "
            "typing, in your browser.\n"
            f"{deadline}\n"
            "Open your personal invitation link to begin (do not share it):\n"
            f"{link}\n\n"
            f"Create your account with this e-mail address ({to}), or sign in if you have "
            "one.\n"
        )
    return OutgoingMail(MailPurpose.INTERVIEW_INVITE, to, subject, body, interview_id)


def recruiter_invite_mail(
    *, to: str, organisation: str, link: str, valid_days: int, invite_id: uuid.UUID
) -> OutgoingMail:
    subject = f"Join {organisation} on the AI Interview Platform"
    body = (
        f"You are invited to join {organisation} as a recruiter on the AI Interview "
        "Platform.\n\n"
        f"Open this link to create your account (it works once, for {valid_days} days):\n"
        f"{link}\n"
    )
    return OutgoingMail(MailPurpose.RECRUITER_INVITE, to, subject, body, invite_id)
