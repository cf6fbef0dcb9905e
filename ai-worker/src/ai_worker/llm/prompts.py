"""Chat prompts, in the interview's language, for question generation and answer evaluation."""

import json

from ai_worker.llm.backends import ChatMessage
from interview_contracts.llm import EvaluationRequest, QuestionRequest

_EXCERPT_CHARS = 300
_MAX_EXCERPTS = 3
_RECENT_TURNS = 3

_QUESTION_SYSTEM = {
    "en": (
        "You are a professional job interviewer. Reply with exactly one interview question in "
        "English: one sentence ending with a question mark, no preamble, no answer, no list."
    ),
    "ko": (
        "당신은 전문 면접관입니다. 한국어로 면접 질문 하나만 답하세요. 물음표로 끝나는 한 문장으로, "
        "설명이나 답변, 목록 없이 질문만 쓰세요."
    ),
}

_LABELS = {
    "en": {
        "job": "Job",
        "description": "Job description",
        "job_notes": "From the job posting",
        "resume": "From the candidate's résumé",
        "competency": "Competency to assess",
        "examples": "Example questions",
        "history": "Conversation so far",
        "asked": "Already asked (do not repeat)",
        "interviewer": "Interviewer",
        "candidate": "Candidate",
        "template": "Ask this question in your own words, fitted to the job: {question}",
        "generated": "Ask one new question that assesses the competency above.",
        "followup": "Ask one follow-up question that digs deeper into the candidate's last answer.",
        "repair": (
            "Your reply was rejected: {reasons}. Reply again with only one interview question in "
            "English, a single sentence ending with '?'."
        ),
    },
    "ko": {
        "job": "직무",
        "description": "직무 설명",
        "job_notes": "채용 공고 발췌",
        "resume": "지원자 이력서 발췌",
        "competency": "평가할 역량",
        "examples": "예시 질문",
        "history": "지금까지의 대화",
        "asked": "이미 한 질문 (반복 금지)",
        "interviewer": "면접관",
        "candidate": "지원자",
        "template": "다음 질문을 직무에 맞게 자연스럽게 바꿔 물어보세요: {question}",
        "generated": "위 역량을 평가하는 새로운 질문을 하나 하세요.",
        "followup": "지원자의 마지막 답변을 더 깊이 파고드는 후속 질문을 하나 하세요.",
        "repair": (
            "답변이 거부되었습니다: {reasons}. 물음표로 끝나는 한국어 면접 질문 한 문장만 다시 쓰세요."
        ),
    },
}


def _clip(text: str, limit: int = _EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def question_messages(request: QuestionRequest) -> list[ChatMessage]:
    labels = _LABELS[request.language]
    lines = [f"{labels['job']}: {request.job_title}"]
    if request.job_description:
        lines.append(f"{labels['description']}: {_clip(request.job_description)}")
    lines += [f"{labels['job_notes']}: {_clip(e)}" for e in request.job_excerpts[:_MAX_EXCERPTS]]
    lines += [f"{labels['resume']}: {_clip(e)}" for e in request.resume_excerpts[:_MAX_EXCERPTS]]
    if request.competency:
        detail = f" — {request.competency_description}" if request.competency_description else ""
        lines.append(f"{labels['competency']}: {request.competency}{detail}")
    if request.example_questions and request.stage_type != "template":
        lines.append(f"{labels['examples']}: " + " / ".join(request.example_questions[:3]))
    if request.previous_turns:
        lines.append(f"{labels['history']}:")
        for turn in request.previous_turns[-_RECENT_TURNS:]:
            lines.append(f"- {labels['interviewer']}: {_clip(turn.question)}")
            lines.append(f"- {labels['candidate']}: {_clip(turn.answer)}")
    if request.asked_questions:
        lines.append(f"{labels['asked']}: " + " / ".join(request.asked_questions[-5:]))
    if request.stage_type == "template":
        template = (
            request.example_questions[0] if request.example_questions else request.bank_question
        )
        lines.append(labels["template"].format(question=template))
    else:
        lines.append(labels[request.stage_type])
    return [
        {"role": "system", "content": _QUESTION_SYSTEM[request.language]},
        {"role": "user", "content": "\n".join(lines)},
    ]


def question_repair_messages(
    request: QuestionRequest, rejected_output: str, reasons: list[str]
) -> list[ChatMessage]:
    return [
        *question_messages(request),
        {"role": "assistant", "content": rejected_output},
        {
            "role": "user",
            "content": _LABELS[request.language]["repair"].format(reasons="; ".join(reasons)),
        },
    ]


_EVALUATION_SYSTEM = (
    "You assess job interview answers. Reply with JSON only, no prose. Quote evidence exactly "
    "as written in the answer; never invent content. An empty or off-topic answer scores 1."
)


def evaluation_messages(request: EvaluationRequest) -> list[ChatMessage]:
    competencies = "\n".join(
        f'- key "{c.key}": {c.name}' + (f" — {c.description}" if c.description else "")
        for c in request.competencies
    )
    shape = {
        "scores": [
            {
                "competency": request.competencies[0].key,
                "score": 3,
                "evidence": ["an exact quote from the answer"],
                "rationale": "why this score",
            }
        ],
        "overall_note": "one or two sentences about the whole answer",
    }
    note_language = "Korean" if request.language == "ko" else "English"
    return [
        {"role": "system", "content": _EVALUATION_SYSTEM},
        {
            "role": "user",
            "content": (
                f"Question: {request.question}\nAnswer: {request.answer}\n"
                f"Competencies (score each from 1 to 5):\n{competencies}\n"
                f"Write rationale and overall_note in {note_language}. "
                f"Return JSON shaped like: {json.dumps(shape, ensure_ascii=False)}"
            ),
        },
    ]


def evaluation_repair_messages(
    request: EvaluationRequest, rejected_output: str, error: str
) -> list[ChatMessage]:
    return [
        *evaluation_messages(request),
        {"role": "assistant", "content": rejected_output},
        {
            "role": "user",
            "content": f"That was not valid: {error}. Return only the corrected JSON.",
        },
    ]
