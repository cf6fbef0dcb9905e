"""Chat prompts, in the interview's language, for question generation and answer evaluation."""

import json

from ai_worker.llm.backends import ChatMessage
from interview_contracts.llm import EvaluationRequest, QuestionRequest

_EXCERPT_CHARS = 300
_MAX_EXCERPTS = 3
_RECENT_TURNS = 3

_QUESTION_SYSTEM = {
    "en": "You are a job interviewer. You ask one short interview question at a time.",
    "ko": "당신은 면접관입니다. 한 번에 짧은 면접 질문 하나만 한국어로 합니다.",
}

# Small models follow a short instruction placed first better than a long brief.
_INSTRUCTIONS = {
    "en": {
        "template": (
            'Example interview question: "{question}" Write one similar interview question '
            "for a {job} candidate."
        ),
        "generated": "Write one interview question to ask a {job} candidate about {competency}.",
        # The material first, then the ask: with the ask first, small models often go on to
        # tell a story of their own instead of asking (seen with SmolLM2, float32 and bfloat16).
        "followup": (
            'The candidate, applying as {job}, answered: "{answer}" Write one short follow-up '
            "question that asks for more detail about this answer."
        ),
        "only": "Reply with the question only.",
        "resume": "From the candidate's résumé",
        "job": "About the job",
        "avoid": "Do not repeat",
        "repair": (
            "Your last reply was rejected ({reasons}). Reply with one interview question "
            "that ends with '?' and nothing else."
        ),
    },
    "ko": {
        "template": (
            '{job} 지원자에게 할 면접 질문을 하나 쓰세요. 다음 질문과 비슷하게: "{question}"'
        ),
        "generated": "{job} 지원자에게 {competency}에 대해 묻는 면접 질문을 하나 쓰세요.",
        "followup": ('{job} 지원자의 다음 답변에 대한 후속 면접 질문을 하나 쓰세요: "{answer}"'),
        "only": "질문만 한국어로 답하세요.",
        "resume": "지원자 이력서 발췌",
        "job": "직무 설명",
        "avoid": "반복하지 말 것",
        "repair": "답변이 거부되었습니다 ({reasons}). 한국어 면접 질문 하나만 쓰세요.",
    },
}


def _clip(text: str, limit: int = _EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def question_messages(request: QuestionRequest) -> list[ChatMessage]:
    words = _INSTRUCTIONS[request.language]
    competency = request.competency or request.stage_key
    if request.competency_description:
        competency = f"{competency} ({_clip(request.competency_description, 120)})"
    last = request.previous_turns[-1] if request.previous_turns else None
    if request.stage_type == "followup" and last is not None:
        instruction = words["followup"].format(job=request.job_title, answer=_clip(last.answer))
    elif request.stage_type == "template" or (request.stage_type == "followup" and last is None):
        example = (
            request.example_questions[0] if request.example_questions else request.bank_question
        )
        instruction = words["template"].format(job=request.job_title, question=example)
    else:
        instruction = words["generated"].format(job=request.job_title, competency=competency)
    lines = [f"{instruction} {words['only']}"]
    # A follow-up is about the answer; the job context only distracts a small model from it.
    if request.job_description and request.stage_type != "followup":
        lines.append(f"{words['job']}: {_clip(request.job_description)}")
    if request.stage_type != "followup":
        lines += [f"{words['job']}: {_clip(e)}" for e in request.job_excerpts[:_MAX_EXCERPTS]]
        lines += [f"{words['resume']}: {_clip(e)}" for e in request.resume_excerpts[:_MAX_EXCERPTS]]
    if request.asked_questions:
        lines.append(f"{words['avoid']}: " + " / ".join(request.asked_questions[-_RECENT_TURNS:]))
    return [
        {"role": "system", "content": _QUESTION_SYSTEM[request.language]},
        {"role": "user", "content": "\n".join(lines)},
    ]


def question_repair_messages(request: QuestionRequest, reasons: list[str]) -> list[ChatMessage]:
    """The first prompt with the rejection reasons added; the rejected reply is left out
    because small models tend to continue their own mistakes."""
    system, user = question_messages(request)
    repair = _INSTRUCTIONS[request.language]["repair"].format(reasons="; ".join(reasons))
    return [system, {"role": "user", "content": f"{repair}\n{user['content']}"}]


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
