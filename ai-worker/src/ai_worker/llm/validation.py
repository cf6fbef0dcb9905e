"""Checks on model output: is it one question in the right language, and is a quote real?"""

import re
from difflib import SequenceMatcher

from interview_contracts.llm import Language

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[A-Za-z]")
# A label the model put before its question ("Question:", "질문:"); dropped, not rejected.
_LABEL = re.compile(
    r"^\s*(?:\*\*)?(?:question|interviewer|follow-up question|q|질문|면접관|후속 질문)\s*\d*"
    r"\s*(?:\*\*)?\s*[:\uff1a]\s*(?:\*\*)?",
    re.I,
)
_QUOTES = "\"\u201c\u201d'\u2018\u2019\u300c\u300d\u300e\u300f`"
_DUPLICATE_RATIO = 0.85
_LENGTH = {"en": (6, 40), "ko": (3, 45)}  # words
_MAX_CHARS = 260
_QUESTION_MARKS = ("?", "\uff1f")
# Endings of a Korean question or polite request ("…설명해 주세요.", "…인가요?").
_KOREAN_ENDINGS = ("?", "\uff1f", "세요.", "세요", "니까?", "십시오.", "주십시오.")
# English imperatives that ask without a question mark.
_ENGLISH_PROMPTS = ("tell me", "describe", "walk me", "explain", "share", "give me", "talk me")

# What the interviewer must never say to a candidate: narration about the interview, a
# preamble, speaking as an AI or an assistant (seen from small models).
_NOT_AN_INTERVIEWER = {
    "en": re.compile(
        r"\b(?:the candidate|the interviewee|the applicant|candidate's|follow-up question"
        r"|possible question|question could be|question would be|here is|here's|sure[,!]"
        r"|as an ai|i am an ai|i'm an ai|language model|as an assistant|i'm sorry|i am sorry"
        r"|i apologi[sz]e"
        r"|how can i help|what can i do for you|how may i|i can help|i'd be happy)\b",
        re.I,
    ),
    "ko": re.compile(
        r"지원자[는가의이께]|면접자[는가의이]|후속 질문|질문[은는]\s*다음|다음과 같|도와드릴|"
        r"도움이 필요|무엇을 도와|AI로서|저는 AI|인공지능으로서|언어 모델|어시스턴트|죄송|"
        r"물론입니다|네,\s"
    ),
}

# Words that show a question stays on its stage's topic: the stage's competency key (or
# "motivation") to stems in each language. A question without any is off its stage.
# fmt: off
STAGE_TOPIC_WORDS: dict[str, dict[Language, tuple[str, ...]]] = {
    "motivation": {
        "en": (
            "why", "interest", "motivat", "attract", "appeal", "apply", "applying", "join",
            "excite", "drawn", "choose", "chose", "want", "role", "position", "company", "career",
            "looking for",
        ),
        "ko": (
            "지원", "동기", "관심", "이유", "매력", "선택", "입사", "회사", "직무", "왜", "기대",
        ),
    },
    "job_skill": {
        "en": (
            "skill", "tool", "technolog", "experience", "use", "using", "used", "approach",
            "method", "technique", "build", "design", "knowledge", "familiar", "proficien",
            "how do you", "how would you", "work with", "practice", "handle",
        ),
        "ko": (
            "기술", "역량", "도구", "경험", "활용", "방법", "사용", "능력", "업무", "다뤄", "다루",
            "지식",
        ),
    },
    "experience": {
        "en": (
            "experience", "project", "role", "worked", "work", "previous", "past", "time",
            "achiev", "accomplish", "responsib", "career", "job", "position",
        ),
        "ko": (
            "경험", "프로젝트", "경력", "이전", "역할", "성과", "담당", "업무", "근무",
        ),
    },
    "problem_solving": {
        "en": (
            "problem", "challeng", "issue", "difficult", "obstacle", "solv", "fix", "troubleshoot",
            "cause", "debug", "handle", "approach", "unexpected", "went wrong", "resolve", "tough",
            "hard",
        ),
        "ko": (
            "문제", "어려", "해결", "원인", "장애", "위기", "과제", "난관", "곤란", "대응",
        ),
    },
    "communication": {
        "en": (
            "communicat", "explain", "present", "convey", "listen", "disagree", "conflict",
            "stakeholder", "colleague", "team", "customer", "client", "persuad", "convinc",
            "feedback", "audience", "non-technical", "talk", "discuss", "manager",
        ),
        "ko": (
            "소통", "설명", "전달", "설득", "의견", "갈등", "협업", "동료", "고객", "발표", "대화",
            "공유", "협의", "이해관계",
        ),
    },
    "responsibility": {
        "en": (
            "responsib", "accountab", "mistake", "own", "deadline", "commit", "follow through",
            "error", "fail", "charge", "initiative", "reliab", "promise", "duty", "wrong",
        ),
        "ko": (
            "책임", "실수", "마감", "약속", "끝까지", "주도", "맡", "실패", "잘못", "기한", "의무",
        ),
    },
    "growth": {
        "en": (
            "learn", "grow", "develop", "improve", "feedback", "skill", "goal", "future", "new",
            "training", "career", "better", "weakness", "study", "progress", "updat", "latest",
            "trend", "keep up", "current",
        ),
        "ko": (
            "배우", "배운", "배움", "성장", "발전", "개선", "피드백", "목표", "계발", "공부",
            "새로", "향상", "학습",
        ),
    },
}
# fmt: on

# Words too common to show that a follow-up picked up the answer.
# fmt: off
_STOPWORDS = frozenset({
    "about", "after", "again", "also", "always", "because", "been", "before", "being", "could",
    "does", "doing", "done", "from", "have", "having", "i'm", "i've", "into", "just", "know",
    "like", "made", "make", "many", "more", "most", "much", "only", "other", "over", "really",
    "same", "some", "such", "team", "than", "that", "their", "them", "then", "there", "these",
    "they", "thing", "things", "think", "this", "those", "through", "time", "times", "very", "was",
    "were", "what", "when", "where", "which", "while", "will", "with", "work", "worked", "working",
    "would", "you'll", "your", "yours",
})
# fmt: on
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}|[\uac00-\ud7a3]{2,}")
# Acronyms and names of tools ("CFO", "HR", "SQL", "S3"): short, but what an answer is about.
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b")


def extract_question(raw: str) -> str:
    """The model's reply as a question: its first non-empty line without a leading label or
    list marker. Nothing is salvaged from inside the line: a quoted or narrated question is
    left as it is, for `question_problems` to reject."""
    for line in raw.splitlines():
        line = _LABEL.sub("", line.strip().lstrip("-*#>").strip())
        line = line.strip("*").strip()
        if line:
            return line
    return ""


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def is_near_duplicate(text: str, earlier: list[str]) -> bool:
    candidate = _normalise(text)
    return any(
        SequenceMatcher(None, candidate, _normalise(other)).ratio() >= _DUPLICATE_RATIO
        for other in earlier
        if other.strip()
    )


def language_share(text: str, language: Language) -> float:
    """Share of the letters written in the language's script."""
    hangul, latin = len(_HANGUL.findall(text)), len(_LATIN.findall(text))
    letters = hangul + latin
    if not letters:
        return 0.0
    return (hangul if language == "ko" else latin) / letters


def content_words(text: str) -> set[str]:
    """Words that carry meaning: English words of 4+ letters that are not function words,
    acronyms, Korean words of 2+ syllables with a trailing particle or ending trimmed to the
    stem."""
    words = set()
    for word in _WORD.findall(text):
        if _HANGUL.match(word):
            words.add(word[:2])
        elif word.lower() not in _STOPWORDS:
            words.add(word.lower().removesuffix("'s").rstrip("s'"))
    words.update(acronym.lower() for acronym in _ACRONYM.findall(text))
    return words


def refers_to(question: str, answer: str) -> bool:
    """Whether the question reuses a content word the candidate said."""
    return bool(content_words(question) & content_words(answer))


def on_topic(text: str, topic: str | None, language: Language) -> bool:
    """Whether a question carries a word of its stage's topic; unknown topics pass."""
    words = STAGE_TOPIC_WORDS.get(topic or "", {}).get(language)
    if not words:
        return True
    lowered = text.lower()
    return any(word in lowered for word in words)


def question_problems(
    text: str,
    language: Language,
    earlier: list[str],
    *,
    topic: str | None = None,
    answer: str | None = None,
) -> list[str]:
    """Why a question is unusable; empty when it is fine.

    `topic`: the stage's competency key (or "motivation"); the question must stay on it.
    `answer`: for a follow-up, the answer it follows; the question must pick something up
    from it instead of the stage's topic words.
    """
    if not text:
        return ["empty output"]
    problems = []
    if language_share(text, language) < (0.6 if language == "ko" else 0.95):
        problems.append("not in Korean" if language == "ko" else "not in English")
    low, high = _LENGTH[language]
    words = len(text.split())
    if words < low or len(text) < 10:
        problems.append("too short")
    if words > high or len(text) > _MAX_CHARS:
        problems.append("too long")
    if text[0] in _QUOTES and text.rstrip("?.\uff1f")[-1:] in tuple(_QUOTES):
        problems.append("wrapped in quotes")
    marks = sum(text.count(mark) for mark in _QUESTION_MARKS)
    if marks > 1 or (marks == 1 and not text.rstrip().endswith(_QUESTION_MARKS)):
        problems.append("more than one question")
    if _NOT_AN_INTERVIEWER[language].search(text):
        problems.append("not spoken as the interviewer")
    asks = (
        text.endswith(_KOREAN_ENDINGS)
        if language == "ko"
        else text.endswith(_QUESTION_MARKS) or text.lower().startswith(_ENGLISH_PROMPTS)
    )
    if not asks:
        problems.append("not a question")
    if answer is not None:
        if not refers_to(text, answer):
            problems.append("does not refer to the answer")
    elif not on_topic(text, topic, language):
        problems.append("off the stage's topic")
    if is_near_duplicate(text, earlier):
        problems.append("repeats an earlier question")
    return problems


def ground_quote(quote: str, answer: str) -> str | None:
    """The exact span of the answer a quote refers to, or None when the answer never says it.

    Models often change case or whitespace when quoting; the span returned is always the
    answer's own text, so evidence is never invented.
    """
    quote = quote.strip().strip("\"“”'").strip()
    if len(quote) < 3:
        return None
    if quote in answer:
        return quote
    words = [re.escape(word) for word in quote.split()]
    match = re.search(r"\s+".join(words), answer, flags=re.IGNORECASE)
    return match.group(0) if match else None
