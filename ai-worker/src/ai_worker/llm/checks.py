"""The evidence checks a score is computed from, and the rule that computes it.

A score is never asked of a model: small models give nearly every answer a 5. Instead five
yes/no checks, each backed by sentences of the answer, decide it:

    score = 1 + checks met (at most 5); no check met is the "no evidence" state, not a 1.

A check is met only by a sentence whose own words bear it out (`sentence_shows`): a model
that claims "measured result" for a sentence without a number is overruled. The rules-only
evaluator (`evaluate_by_rules`) applies the same tests to every sentence and is what runs when
no model is available; its figures are measured beside the model's (bench/score_validity.py).
"""

import re
from collections.abc import Iterable, Mapping

from ai_worker.llm.reading import ReadAnswer, Sentence, read_answer
from interview_contracts.llm import (
    AnswerEvaluation,
    CheckResult,
    CompetencyScore,
    EvaluationRequest,
    EvidenceCheck,
    Language,
)

# Bump when a test below or the score rule changes: stored evaluations name the version.
RULES_VERSION = "rules-v2"
RULES_MODEL_ID = "rules"
# More quotes than this per competency and answer make the report hard to read.
MAX_QUOTES = 3

_EN = re.IGNORECASE
_EN_NUMBER = (
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half|twice"
    r"|tripled|doubled|halved|percent|quarter)\b(?!-)"
)
_EN_PAST_VERB = (
    r"(?:\w{2,}ed|did|made|built|wrote|led|ran|took|found|went|got|gave|told|saw|chose|brought"
    r"|caught|cut|set|put|kept|left|began|drew|grew|held|knew|lost|met|paid|said|sent|sold"
    r"|spent|stood|taught|thought|understood|won|came|spoke|broke|rebuilt|rewrote|shipped"
    r"|split|sat|sought|fought|dealt|meant|rode|shut|stuck|swapped|read|ran)"
)
# "다시 한번" (once more), "한 명 한 명" (each one) and "한 명도" (not even one) are idioms,
# not counts.
_KO_COUNTER = r"(?:번|개|명|시간|달|주|배|건|곳|차례|가지|분|일|군데|팀|사람)"
_KO_NUMBER = (
    r"\d|%|퍼센트|절반|두\s*배|세\s*배"
    rf"|(?<!다시 )(?<!다시)(?<!한 명 )한\s*{_KO_COUNTER}(?!\s*(?:한\s*명|도|더))"
    rf"|(?:두|세|네|다섯|여섯|일곱|여덟|아홉|열|스무)\s*{_KO_COUNTER}"
)
_KO_PAST = r"(?:했|었|았|였|웠|겼|렸|쳤|냈|봤|됐|랐|꿨|줬|왔|갔|셨|뒀|켰|썼|혔|졌)"

_TESTS: dict[Language, dict[EvidenceCheck, re.Pattern[str]]] = {
    "en": {
        EvidenceCheck.SPECIFIC: re.compile(
            _EN_NUMBER
            + r"|\b(?:last|this|that|next) (?:year|month|week|quarter|spring|summer|autumn|fall"
            r"|winter|sprint|release)\b|\b(?:in|during|by|since) (?:january|february|march"
            r"|april|may|june|july|august|september|october|november|december|q[1-4])\b"
            r"|\b(?:at|in) my (?:last|previous|current|first|old) (?:job|company|role|team"
            r"|employer|internship|position|school|hospital|store|clinic)\b|\bwhen I was\b"
            r"|\bonce\b|\bone (?:day|time|morning|night)\b|\bfor example\b|\bfor instance\b"
            r"|[\"“][^\"”]{3,}[\"”]",
            _EN,
        ),
        EvidenceCheck.OWN_ACTIONS: re.compile(
            rf"\bI\s+(?:\w+ly\s+|then\s+|also\s+|first\s+|had\s+|have\s+|personally\s+)?"
            rf"{_EN_PAST_VERB}\b|\bmy (?:first |next )?(?:step|fix|idea|change|approach"
            r"|proposal|solution|plan|job|task|role) (?:was|became)\b"
            r"|\bI(?:'d| would| will|'ll) (?:first |then |also |start by )?(?!try\b|do my best\b"
            r"|always\b|just\b)\w+",
            _EN,
        ),
        EvidenceCheck.RESULT: re.compile(
            r"\b(?:as a result|result(?:ed|s)?|so that|which (?:meant|let|led|gave)|ended up"
            r"|outcome|since then|afterwards|after that|never (?:again|happened)|went (?:from"
            r"|down|up)|learn(?:ed|t)|realis|realiz|feedback|now (?:we|I|it|the|our)"
            r"|(?:reduc|increas|improv|sav|dropp|rais|grew|grow|doubl|halv|shorten|lower|boost"
            r"|finish|complet|launch|ship|deliver|resolv|fix|solv|achiev|reach|exceed|won|pass"
            r"|recover|retain|prevent|avoid|stopp|eliminat|cut|hit|beat|approv|adopt|renew"
            r"|promot|clos|sign|fell|rose)\w*)\b",
            _EN,
        ),
        EvidenceCheck.REASONING: re.compile(
            r"\b(?:because|since|so that|in order to|the reason|reason was|trade-?offs?"
            r"|instead of|rather than|chose|decided|weigh(?:ed)?|consider(?:ed)?|risks?"
            r"|otherwise|which meant|that way|prioriti[sz]\w*|compar\w+|alternatives?|why)\b",
            _EN,
        ),
    },
    "ko": {
        EvidenceCheck.SPECIFIC: re.compile(
            _KO_NUMBER + r"|[A-Za-z]{2,}|작년|재작년|지난\s*(?:해|달|주|분기|학기|프로젝트)|당시"
            r"|이전\s*(?:회사|직장|팀|병원|학교)|전\s*직장|첫\s*직장|입사|인턴|분기|상반기|하반기"
            r"|한번은|(?:았|었|였|했)을\s*때|적이\s*있|에\s*있을\s*때|에서\s*(?:일할|근무할)\s*때"
            r"|어느\s*날|예를\s*들|[\"“'\u2018][^\"”'\u2019]{2,}[\"”'\u2019]",
        ),
        # As in English, a deed in the past or a planned step: "저는" or "제가" alone
        # introduces self-description as often as an action.
        EvidenceCheck.OWN_ACTIONS: re.compile(
            _KO_PAST + r"(?:습니다|어요|고|는데|으며|지만|다|더니|던)"
            r"|(?:하겠|보겠|드리겠|확인하겠|정리하겠)",
        ),
        EvidenceCheck.RESULT: re.compile(
            r"결과|덕분에|줄었|줄였|줄어|줄일|늘었|늘렸|늘어|향상|개선|단축|해결|달성|감소|증가|절감"
            r"|성공|완료|마무리|정상화|안정|없어졌|사라졌|받았|얻었|배웠|깨달|알게\s*되|바뀌|바꾸|바꿨"
            r"|이후로|이후에는|높아|낮아|빨라|출시|합격|수상|칭찬|유지|방지|막았|막을|회복|재계약"
            r"|통과|채택|승인|떨어졌|떨어뜨|낮췄|높였|올라갔|올랐|올렸|면했|철회|잡아냈|끝냈|줄여|늘려"
            r"|맞췄|맞추게|만점|그쳤|도입|합의|쓰였|없이\s*지나|게\s*(?:됐|되었)",
        ),
        EvidenceCheck.REASONING: re.compile(
            r"때문|위해|위하여|이유|대신|판단|고려|선택|결정|그래서|따라서|보다는|(?<!고)위험|우선순위|비교"
            r"|장단점|므로|라고\s*생각해|기\s*보다|라서|여서|이어서|니까",
        ),
    },
}
# A name (a tool, a product, a place) inside the sentence, or an acronym: case matters here.
_EN_NAMED = re.compile(r"(?<!^)\b[A-Z][a-zA-Z0-9]+|\b[A-Z]{2,}\b")
_NUMBER: dict[Language, re.Pattern[str]] = {
    "en": re.compile(_EN_NUMBER, _EN),
    "ko": re.compile(_KO_NUMBER),
}

# Statements of habit or self-description show nothing, whatever else they contain ("I have
# worked with SQL for over 6 years, so I'm very experienced"): evidence is a particular case.
_GENERIC: dict[Language, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:always|usually|generally|normally|typically|often|whenever|anything|everything"
        r"|everyone|whatever|all the time|in general|as much as possible|my best|lots of"
        r"|a lot of|many|various|i (?:really )?(?:think|believe|feel)|i'?m (?:a |an )?"
        r"(?:very |really |quite |extremely |highly )?(?:good|great|careful|experienced"
        r"|detail-oriented|organi[sz]ed"
        r"|passionate|hard-?working|confident|strong|reliable|responsible|flexible|adaptable"
        r"|motivated|dedicated|proactive|open|comfortable|familiar)|the kind of"
        r"|you (?:just |always "
        r")?(?:need|have|should|can|look|make|want|check|compare|fix|get)|things like)\b",
        _EN,
    ),
    "ko": re.compile(
        r"항상|늘\s|언제나|최선을|열심히|누구보다|성실하게|꼼꼼하게|강점|다양한|여러\s*가지|대체로"
        r"|일반적으로|무엇보다|중요하다고|중요합니다|중요한\s*것|편입니다|자신\s*있|잘\s*하는|노력하는"
        r"|노력합니다|생각합니다|생각해요|많은\s*경험"
        # Frequency and habit ("often", "usually", "whenever"), as the English list has them.
        r"|자주|대부분|평소|주로|습관|많이|때는\s|때마다|(?:해|어|아)\s*(?:왔|온)"
        r"|(?:으면|하면|되면|다르면|생기면|있으면|없으면|모르면|막히면|바쁘면|힘들면)\s"
        # Beliefs and general intentions ("I believe", "I try to"), as in English.
        r"|믿습니다|믿고\s*있|려고\s*(?:합니다|노력)|중요하다는"
        # Attitudes, values and aspirations describe the candidate, not what happened.
        r"|자세[로를가]|책임감|가치입니다|스타일|성격이|편이(?:고|라|어서|며)|가장\s*중요|(?:다|라)고\s*생각하기|되고\s*싶|되고자"
        r"|제\s*(?:꿈|목표)|목표였|자신(?:이|감)?\s*있|한\s*명\s*한\s*명|성공적으로"
        # Praise reported without what was done: "좋아졌다는 평가를 받았습니다".
        r"|(?:다|라)는\s*(?:평가|이야기|말|칭찬)",
    ),
}
# "Would" and "will": what the candidate would do is a plan, never a result.
_HYPOTHETICAL: dict[Language, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:would|will|\w+'d|\w+'ll|if|should|could|might|going to|plan to)\b", _EN
    ),
    "ko": re.compile(r"겠|ㄹ\s*것|할\s*것|하려고|다면|라면|경우에는|면\s*좋"),
}
# Years of experience say how long, not what happened.
_TENURE: dict[Language, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:over |more than |almost |nearly )?\w+\+? years?(?: of experience)?\b", _EN
    ),
    "ko": re.compile(r"\d+\s*년\s*(?:동안|간|차|이상|넘게|째)?(?:의\s*경력)?"),
}

CHECK_NAMES: dict[Language, dict[EvidenceCheck, str]] = {
    "en": {
        EvidenceCheck.SPECIFIC: "a specific situation",
        EvidenceCheck.OWN_ACTIONS: "the candidate's own actions",
        EvidenceCheck.RESULT: "a result",
        EvidenceCheck.MEASURED: "a measured result",
        EvidenceCheck.REASONING: "the reasoning behind the choices",
    },
    "ko": {
        EvidenceCheck.SPECIFIC: "구체적인 상황",
        EvidenceCheck.OWN_ACTIONS: "본인의 행동",
        EvidenceCheck.RESULT: "결과",
        EvidenceCheck.MEASURED: "수치로 확인되는 결과",
        EvidenceCheck.REASONING: "판단의 근거",
    },
}


def sentence_shows(check: EvidenceCheck, sentence: Sentence, language: Language) -> bool:
    """Whether the sentence's own words can bear the check out (a necessary condition)."""
    text = sentence.clean
    if _GENERIC[language].search(text):
        return False
    hypothetical = bool(_HYPOTHETICAL[language].search(text))
    if hypothetical and check in (EvidenceCheck.RESULT, EvidenceCheck.MEASURED):
        return False
    # A result is something that happened: in Korean the habitual present ("보고드리고 고민합니다")
    # reads like one but is not (English result words are past forms already).
    if (
        language == "ko"
        and check in (EvidenceCheck.RESULT, EvidenceCheck.MEASURED)
        and not re.search(_KO_PAST, text)
    ):
        return False
    text = _TENURE[language].sub(" ", text)
    specific = bool(
        _TESTS[language][EvidenceCheck.SPECIFIC].search(text)
        or (language == "en" and _EN_NAMED.search(text))
    )
    if check is EvidenceCheck.SPECIFIC:
        return specific
    if check is EvidenceCheck.MEASURED:
        return bool(
            _NUMBER[language].search(text) and _TESTS[language][EvidenceCheck.RESULT].search(text)
        )
    if check is EvidenceCheck.OWN_ACTIONS and hypothetical and not specific:
        return False
    return bool(_TESTS[language][check].search(text))


def score_from_checks(checks: Iterable[CheckResult]) -> int | None:
    met = sum(1 for check in checks if check.met)
    return None if met == 0 else min(5, 1 + met)


def _with_particle(word: str, with_final: str, without_final: str) -> str:
    """Korean particles follow whether the last syllable ends in a consonant."""
    last = word[-1]
    has_final = "가" <= last <= "힣" and (ord(last) - ord("가")) % 28 != 0
    return word + (with_final if has_final else without_final)


def rationale(checks: list[CheckResult], language: Language) -> str:
    names = CHECK_NAMES[language]
    shown = [names[c.check] for c in checks if c.met]
    missing = [names[c.check] for c in checks if not c.met]
    if language == "ko":
        if not shown:
            return "이 역량을 보여 주는 구체적인 근거 없이 일반적인 진술만 있습니다."
        text = _with_particle(", ".join(shown), "이", "가") + " 드러납니다."
        if missing:
            text += " " + _with_particle(", ".join(missing), "은", "는") + " 드러나지 않습니다."
        return text
    if not shown:
        return "Only general statements: nothing in the answer shows this competency."

    def listed(items: list[str], last: str) -> str:
        return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"

    text = f"Shows {listed(shown, 'and')}"
    if missing:
        text += f"; does not show {listed(missing, 'or')}"
    return text + "."


def verified_checks(
    claims: Mapping[EvidenceCheck, Iterable[int]], read: ReadAnswer, language: Language
) -> list[CheckResult]:
    """Each check met by the claimed sentences (1-based) whose words bear it out."""
    results = []
    for check in EvidenceCheck:
        numbers = sorted({n for n in claims.get(check, ()) if 1 <= n <= len(read.sentences)})
        quotes = [
            read.sentences[n - 1].text
            for n in numbers
            if sentence_shows(check, read.sentences[n - 1], language)
        ]
        results.append(CheckResult(check=check, met=bool(quotes), quotes=quotes[:MAX_QUOTES]))
    return results


def competency_score(
    competency: str, checks: list[CheckResult], language: Language
) -> CompetencyScore:
    evidence = list(dict.fromkeys(quote for check in checks for quote in check.quotes))
    return CompetencyScore(
        competency=competency,
        score=score_from_checks(checks),
        evidence=evidence[:MAX_QUOTES],
        rationale=rationale(checks, language),
        checks=checks,
    )


def review_flags(read: ReadAnswer, language: Language) -> list[str]:
    if not read.addressed_to_model:
        return []
    spans = " / ".join(f"“{span[:160]}”" for span in read.addressed_to_model[:3])
    if language == "ko":
        return [f"평가 모델에게 보내는 듯한 문장은 평가에서 제외했습니다: {spans}"]
    return [f"Text addressed to an AI evaluator was left out of the evaluation: {spans}"]


def evaluate_by_rules(request: EvaluationRequest, attempts: int = 0) -> AnswerEvaluation:
    """Every sentence put to every test: no model, the same checks and score rule."""
    from ai_worker.llm.validity import EvaluatorConfiguration, is_validated

    read = read_answer(request.answer, request.language)
    everything = {check: range(1, len(read.sentences) + 1) for check in EvidenceCheck}
    scores = [
        competency_score(
            c.key, verified_checks(everything, read, request.language), request.language
        )
        for c in request.competencies
    ]
    configuration = EvaluatorConfiguration("deterministic", "rules", RULES_VERSION, RULES_MODEL_ID)
    return AnswerEvaluation(
        scores=scores,
        overall_note=_not_by_model_note(request.language),
        evaluator="deterministic",
        model_id=RULES_MODEL_ID,
        method="rules",
        prompt_version=RULES_VERSION,
        validated=is_validated(configuration, request.language),
        review_flags=review_flags(read, request.language),
        attempts=attempts,
    )


def _not_by_model_note(language: Language) -> str:
    if language == "ko":
        return "모델이 평가하지 않았습니다: 문장별 규칙 검사로만 판단했습니다."
    return "Not evaluated by the model: judged by the sentence rules only."
