"""Anchored rubrics: what an answer at level 1, 3 and 5 looks like for one competency.

A job may give each competency its own anchors; otherwise the six default competencies get the
defaults below in the job's language, and any other competency a generic set naming it. The
level-5 anchor is what the evaluator is told strong evidence looks like (EvaluationRequest's
`strong_anchor`). Every level 5 asks for the same four things, so a score rests on what the
answer shows: a specific example, the candidate's own actions, a result that can be checked or
measured, and the reasoning behind the choices.
"""

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RubricLanguage = Literal["en", "ko"]
ANCHOR_MAX_LENGTH = 500


class CompetencyRubric(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level_1: str = Field(min_length=1, max_length=ANCHOR_MAX_LENGTH)
    level_3: str = Field(min_length=1, max_length=ANCHOR_MAX_LENGTH)
    level_5: str = Field(min_length=1, max_length=ANCHOR_MAX_LENGTH)


def _rubric(level_1: str, level_3: str, level_5: str) -> CompetencyRubric:
    return CompetencyRubric(level_1=level_1, level_3=level_3, level_5=level_5)


DEFAULT_RUBRICS: dict[str, dict[RubricLanguage, CompetencyRubric]] = {
    "job_skill": {
        "en": _rubric(
            "Lists skills or claims to be good at them in general terms, with no example of "
            "using them.",
            "Names relevant tools or techniques and a real situation, but the account is thin: "
            "their own part, the outcome or the reasoning is vague or missing.",
            "Describes a specific piece of work where they used the skills the role needs: the "
            "tools or techniques they applied themselves, a result that can be checked (figures, "
            "a shipped feature, an incident resolved) and why they chose that approach over "
            "another.",
        ),
        "ko": _rubric(
            "기술을 나열하거나 잘한다고 일반적으로 말할 뿐, 실제로 사용한 사례가 없다.",
            "관련 도구나 기법과 실제 상황을 언급하지만 설명이 빈약하다. 본인의 역할, 결과 또는 "
            "판단 근거가 모호하거나 빠져 있다.",
            "직무에 필요한 기술을 실제로 사용한 구체적인 사례를 설명한다. 본인이 직접 적용한 "
            "도구나 기법, 확인할 수 있는 결과(수치, 출시한 기능, 해결한 장애), 그리고 다른 방법 "
            "대신 그 방법을 택한 이유가 드러난다.",
        ),
    },
    "experience": {
        "en": _rubric(
            'Speaks of experience only in general terms (years, job titles, "many projects") '
            "with no concrete example.",
            "Mentions real past work with some detail, but their own contribution or the result "
            'stays general ("we improved it", "it went well").',
            "Walks through a specific past project or role: what they did themselves, the result "
            "in numbers or other verifiable facts (scale, time saved, users, revenue) and what "
            "they would keep or change, and why.",
        ),
        "ko": _rubric(
            '경력을 연차, 직함, "여러 프로젝트"처럼 일반적으로만 말하고 구체적인 사례가 없다.',
            "실제 경험을 어느 정도 구체적으로 언급하지만 본인의 기여나 결과가 일반적이다"
            '("개선했습니다", "잘 마무리했습니다").',
            "과거의 구체적인 프로젝트나 업무를 설명한다. 본인이 직접 한 일, 수치나 확인 가능한 "
            "사실로 나타낸 결과(규모, 줄인 시간, 사용자 수, 매출), 그리고 무엇을 유지하거나 "
            "바꾸고 싶은지와 그 이유가 드러난다.",
        ),
    },
    "problem_solving": {
        "en": _rubric(
            'Describes their approach to problems in general ("I stay calm and find the best '
            'solution") with no actual problem.',
            "Describes a real problem and a fix, but the diagnosis or the choice between options "
            "is thin, or the outcome is not stated.",
            "Describes a specific problem they faced: how they found the cause (data, tests, "
            "measurements), the options they weighed and why they chose one, what they did "
            "themselves, and a measured outcome.",
        ),
        "ko": _rubric(
            '문제 해결 방식을 일반론으로만 말하고("침착하게 최선의 해결책을 찾습니다") 실제 '
            "문제가 없다.",
            "실제 문제와 해결책을 말하지만 원인 분석이나 대안 비교가 빈약하거나 결과가 나와 있지 "
            "않다.",
            "실제로 마주한 구체적인 문제를 설명한다. 원인을 어떻게 찾았는지(데이터, 테스트, 측정), "
            "검토한 대안과 그중 하나를 고른 이유, 본인이 직접 한 일, 그리고 측정된 결과가 "
            "드러난다.",
        ),
    },
    "communication": {
        "en": _rubric(
            "Says they communicate well or value communication, with no example.",
            "Mentions a real situation that needed communication, but what they actually did or "
            "what came of it stays general.",
            "Gives a specific situation where they had to explain, persuade or clear up a "
            "misunderstanding: who the audience was, what they did themselves to make it clear "
            "(a written note, a demo, adapting the message), the outcome (a decision taken, an "
            "agreement, fewer questions) and why they chose that way.",
        ),
        "ko": _rubric(
            "의사소통을 잘한다거나 중요하게 여긴다고만 말하고 사례가 없다.",
            "의사소통이 필요했던 실제 상황을 언급하지만 실제로 한 일이나 그 결과가 일반적이다.",
            "설명, 설득 또는 오해 해소가 필요했던 구체적인 상황을 제시한다. 상대가 누구였는지, "
            "명확하게 전달하려고 본인이 직접 한 일(문서, 시연, 상대에 맞춘 설명), 결과(내려진 "
            "결정, 합의, 줄어든 문의), 그리고 그 방식을 택한 이유가 드러난다.",
        ),
    },
    "responsibility": {
        "en": _rubric(
            "States that they are responsible or reliable in general terms, with no example.",
            "Gives a real case of taking ownership, but their own actions or the outcome are "
            "only partly described.",
            "Describes a specific case where they took ownership: a commitment they kept under "
            "pressure or a mistake they owned, the actions they took themselves, a verifiable "
            "result (deadline met, issue fixed, process changed) and why they acted as they did.",
        ),
        "ko": _rubric(
            "책임감이 강하다거나 믿을 만하다고 일반적으로만 말하고 사례가 없다.",
            "책임을 지고 일을 맡은 실제 사례를 들지만 본인의 행동이나 결과가 일부만 설명된다.",
            "책임을 지고 일을 끝까지 맡은 구체적인 사례를 설명한다. 압박 속에서 지킨 약속이나 "
            "스스로 인정한 실수, 본인이 직접 취한 행동, 확인 가능한 결과(마감 준수, 문제 해결, "
            "절차 개선), 그리고 그렇게 행동한 이유가 드러난다.",
        ),
    },
    "growth": {
        "en": _rubric(
            "Says they like to learn or grow from mistakes in general terms, with no example.",
            "Names real feedback or a mistake and a lesson, but what changed afterwards or how "
            "they know it worked is vague.",
            "Describes specific feedback they received or a mistake they made, what they changed "
            "in their own work as a result, evidence that the change worked (a later result, a "
            "measure, a similar situation handled better) and why that lesson mattered.",
        ),
        "ko": _rubric(
            "배우는 것을 좋아한다거나 실수에서 성장한다고 일반적으로만 말하고 사례가 없다.",
            "실제 피드백이나 실수와 교훈을 말하지만 이후에 무엇이 바뀌었는지, 효과가 있었는지를 "
            "어떻게 아는지가 모호하다.",
            "받았던 구체적인 피드백이나 저지른 실수를 설명한다. 그 뒤 본인의 일하는 방식에서 "
            "바꾼 점, 그 변화가 효과가 있었다는 근거(이후의 결과, 수치, 비슷한 상황을 더 잘 "
            "처리한 경험), 그리고 그 교훈이 중요했던 이유가 드러난다.",
        ),
    },
}

# For a competency the job adds without anchors of its own; {name} is the competency's name.
GENERIC_RUBRIC: dict[RubricLanguage, tuple[str, str, str]] = {
    "en": (
        "Only general statements about {name}, with no example.",
        "A real situation involving {name} with some specifics, but their own part, the result "
        "or the reasoning is thin or partly generic.",
        "A specific example of {name} from their own work: what they did themselves, a result "
        "that can be checked or measured, and why they chose that approach.",
    ),
    "ko": (
        "'{name}'에 대해 일반적인 말만 하고 사례가 없다.",
        "'{name}'에 관한 실제 상황을 어느 정도 구체적으로 말하지만 본인의 역할, 결과 또는 판단 "
        "근거가 빈약하거나 일부 일반적이다.",
        "'{name}'에 관한 본인의 구체적인 업무 사례를 설명한다. 직접 한 일, 확인하거나 측정할 수 "
        "있는 결과, 그리고 그 방식을 택한 이유가 드러난다.",
    ),
}


def _language(language: str) -> RubricLanguage:
    return "ko" if language == "ko" else "en"


def effective_rubric(
    key: str, name: str, own: CompetencyRubric | None, language: str
) -> CompetencyRubric:
    """The anchors that apply: the job's own, else the default for the key in the language,
    else the generic set naming the competency."""
    if own is not None:
        return own
    lang = _language(language)
    default = DEFAULT_RUBRICS.get(key)
    if default is not None:
        return default[lang]
    level_1, level_3, level_5 = (
        anchor.format(name=name)[:ANCHOR_MAX_LENGTH] for anchor in GENERIC_RUBRIC[lang]
    )
    return _rubric(level_1, level_3, level_5)


def stored_effective_rubric(competency: Mapping[str, object], language: str) -> CompetencyRubric:
    """effective_rubric for a competency as a job stores it (jobs.competencies JSON)."""
    own = competency.get("rubric")
    return effective_rubric(
        str(competency["key"]),
        str(competency.get("name", competency["key"])),
        CompetencyRubric.model_validate(own) if own else None,
        language,
    )
