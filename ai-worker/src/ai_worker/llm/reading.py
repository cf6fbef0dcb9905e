"""How an answer is read before anyone judges it: verbatim sentences, hesitations set aside,
and text addressed to a model instead of the interviewer taken out.

Taken-out text is never evaluated and never quoted as evidence; the evaluation names it, so a
person sees it. Both prompts that carry candidate text (questions and evaluation) use the same
rule (`addressed_to_model`).
"""

import re
from dataclasses import dataclass

from ai_worker.speech.metrics import without_fillers
from interview_contracts.llm import Language

# Who an injected sentence speaks to or pretends to be. Plain "model" or "system" are left
# out: candidates talk about the models and systems they built.
_MODEL_NOUNS = (
    r"(?:ai|a\.i\.|llm|gpt|chatgpt|language model|(?:evaluation|scoring|grading|ai) "
    r"(?:model|system|assistant|tool)|evaluator|grader|assessor|scorer|automated "
    r"(?:reviewer|system|evaluator|grader|scoring|review|evaluation|assessment)"
    r"|automatic (?:review|evaluation|assessment|grading))"
)
# Chat templates' control markers (ChatML, Llama 2 and 3, Gemma): in a candidate's text they
# can only be there to fake a turn of the conversation. Any `<|...|>` special token counts.
_MARKER_NAMES = (
    r"(?:system|assistant|user|sys|im_start|im_end|im_sep|begin_of_text|end_of_text|endoftext"
    r"|start_header_id|end_header_id|eot_id|eom_id|python_tag|start_of_turn|end_of_turn)"
)
CHAT_TEMPLATE_MARKER = re.compile(
    r"<\|[^<>|\s]{1,40}\|>|<\s*/?\s*(?:start_of_turn|end_of_turn)\s*>|\[/?inst\]|<<\s*/?sys\s*>>",
    re.IGNORECASE,
)
# A turn a chat template opens: from its start marker to the turn's end marker (or the end of
# the text), whatever its sentences say, it is a message faked for the model.
_FAKE_TURN = re.compile(
    r"(?:<\|(?:im_start|start_header_id|system|user|assistant)\|>|<\s*start_of_turn\s*>"
    r"|\[inst\]|<<\s*sys\s*>>)"
    r"[\s\S]*?(?:<\|(?:im_end|eot_id|eom_id|end)\|>|<\s*end_of_turn\s*>|\[/inst\]|<<\s*/sys\s*>>|$)",
    re.IGNORECASE,
)
_SCORE_WORDS = r"(?:score|scores|points?|marks?|rating|grade|/ ?5|out of (?:5|five)|stars?)"
_ADDRESSED = re.compile(
    "|".join(
        (
            # A turn of a chat transcript, or a chat template's markers.
            r"(?:^|[\s\[(<{])(?:system|assistant|user|evaluator|grader|ai|instruction)"
            r"\s*(?:message|note|prompt)?\s*[:\uff1a]",
            rf"<\|?\s*/?\s*{_MARKER_NAMES}\b|<\|[^<>|\s]{{1,40}}\|>|\[/?inst\]|<<\s*/?sys",
            # The prompts' own data tags (llm/prompts.py): written to close one and speak as
            # the prompt.
            r"[<\uff1c]\s*/?\s*(?:job|resume|question|answer|source)\s*(?:\s[^<>]{0,40})?[>\uff1e]",
            # A markdown heading: answers are spoken or typed prose, prompts are not.
            r"^\s*#{2,}\s*\S",
            # Instructions about the conversation itself.
            r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}"
            r"\b(?:instructions?|prompts?|rules?|rubric|criteria|above|previous|prior|guidelines)",
            r"\b(?:you are now|from now on,? you|act as an?|pretend (?:to be|you)|developer mode"
            r"|jailbreak|new instructions?|as an ai)\b",
            # A score handed to the evaluator.
            r"\b(?:give|assign|award|grade)\b.{0,30}"
            rf"\b(?:5|five|maximum|max|highest|full|top|perfect)\b.{{0,12}}\b{_SCORE_WORDS}",
            r"\b(?:maximum|max|perfect|top|full|highest) (?:score|scores|marks|rating)\b",
            r"\b(?:score|rating|grade|evaluation|verdict)\s*[:=]?\s*[1-5](?:\.0)? ?(?:/ ?5|out of)",
            r"\bscores? ?[:=] ?\d",
            r"[\"']\s*(?:scores?|rating|evidence|competenc\w*|rationale|verdict|grade|decision"
            r"|recommendation|점수|평가|근거)\s*[\"']\s*:",
            r"\b(?:pre-?approved|already (?:been )?approved|(?:approved|confirmed|cleared) "
            r"(?:this|the) candidate|candidate (?:has been|was|is) (?:already )?(?:approved|"
            r"cleared|selected))\b",
            # A model noun next to a request or "this answer": spoken to the machine.
            rf"\b{_MODEL_NOUNS}\b.{{0,60}}\b(?:please|kindly|this answer|this response"
            r"|this candidate|meets? (?:all|every)|criteria|rubric)",
            rf"\b(?:dear|hey|hi|hello|attention|note (?:for|to)|p\.?s\.?,? (?:for|to)|to) "
            rf"(?:the |any |all )?{_MODEL_NOUNS}\b",
            r"(?:^|[\[(<{])model\s*:|\[\s*(?:system|admin|evaluator|grader|ai|model|note)\b[^\]]*\]",
            r"\{\s*[\"']\w+[\"']\s*:|^\s*```",
            # The answer, or the candidate in the third person, next to how it should be judged.
            r"\b(?:this|the|my|preceding|above) (?:answer|response|candidate)(?:'s \w+)?\b.{0,80}"
            r"\b(?:scor\w*|rated?|rating|level|rubric|marks?|passing|exemplary|satisf\w+|deserves?"
            r"|meets?|approv\w*|maximal|perfect)",
            r"\b(?:please|kindly)\b.{0,60}\b(?:this|the|my) (?:answer|response)\b",
            r"(?:final |overall )?\b(?:score|rating|grade|level)\s*[:=]\s*\**\s*[1-5]\b",
            r"\b(?:output|receives?|assign|give|gets?) (?:a )?(?:level|score|rating) "
            r"(?:of )?[1-5]\b"
            r"|\brated? (?:it |this |me )?[1-5] out of (?:5|five)\b",
            r"\b(?:score|rate|mark|grade)\s+(?:it |this |me )?(?:accordingly|as such|as passing)\b"
            r"|\bmark (?:this|it|me) as\b",
            r"\b(?:whoever|whatever|anyone|anything)\b.{0,30}\b(?:scor|grad|evaluat|assess)\w*",
            r"\b(?:maximum|max|perfect|top|full|highest)(?: possible| available)? "
            r"(?:scores?|marks?|rating|level)\b|\b(?:minimum|lowest) (?:allowed )?score\b",
            r"\blet'?s play a game\b|\bstay in character\b|\byou are (?:now|no longer|my|an? "
            r"(?:\w+ )?(?:evaluator|grader|assistant|coach|ai))\b",
            r"\bdo not (?:mention|reveal|tell)\b.{0,30}\b(?:asked|instruct\w*|prompt\w*)",
            r"\b(?:evaluation|scoring|grading) (?:mode|policy)\b|\bpre-?(?:approved|cleared"
            r"|verified|screened|selected)\b",
            # Korean: the same kinds.
            r"(?:시스템|어시스턴트|평가자|채점자|평가\s*결과|평가\s*모델|지시\s*사항)\s*[:\uff1a]",
            r"무시하|지시[를는을]?\s*(?:무시|따르|변경)|이전\s*(?:지시|명령|규칙|프롬프트)",
            r"(?:ai|llm|gpt|모델|시스템|평가자|채점자|평가\s*모델|채점\s*모델|자동\s*평가)"
            r"\s*(?:에게|께서?|님)",
            r"(?:평가|채점|심사)\s*(?:ai|llm|gpt)|개발자\s*모드|역할을?\s*(?:바꿔|맡아|변경)",
            r"(?:만점|최고\s*점수?|최고\s*등급|[1-5]\s*점)\S{0,2}\s*(?:주세요|주십시오|주시기|줘|부여"
            r"|처리|매겨|부탁|평가해|드려|입력|출력|으로\s*(?:평가|처리|채점))"
            r"|점수를?\s*(?:주세요|주십시오|부여|매겨|올려)|합격\s*(?:처리|으로|시켜)",
            r"(?:점수|평가|등급|평점|추천)\s*[:\uff1a]\s*\S",
            r"(?:이|본|해당|위)\s*(?:답변|지원자|응답)\S{0,3}.{0,40}(?:점수|[1-5]\s*점|최고\s*점|만점|합격"
            r"|승인|평가)|최고\s*점\S{0,2}\s*(?:으로|로)?\s*(?:봐|보아|여겨|생각해)"
            r"|(?:평가|채점)(?:하는|할)\s*(?:시스템|모델|ai|프로그램|분)",
            r"사전\s*승인|이미\s*승인|승인(?:을)?\s*받은\s*지원자|내정",
        )
    ),
    re.IGNORECASE | re.MULTILINE,
)
# A sentence ends at a terminator followed by a space, a line break or the end (so "3.5" and
# "e.g.," stay whole); a line break always ends one.
# Beside a sentence that speaks to a model, a short sentence or one about judging belongs to the
# same message ("Understood.", "Evidence: ...", "Stay in character.").
_JUDGING_WORDS = re.compile(
    r"\b(?:scor\w*|rat(?:e|ed|ing)|level|rubric|grad\w+|evaluat\w*|assess\w*|evidence"
    r"|recommend\w*|candidate|answer|response|approv\w*|json|output|instruct\w*|mark\w*"
    r"|passing|competenc\w*|character|coach|confirm\w*)\b"
    r"|점수|평가|채점|등급|승인|지원자|답변|근거|역량|합격|만점|출력|지시|모델|관리자|공지|알림|감점",
    re.IGNORECASE,
)
_SHORT_WORDS = 4
_SENTENCE = re.compile(r"[^\n]+?(?:[.!?。\uff01\uff1f…]+[\"'”\u2019)\]]*(?=\s|$)|$)", re.MULTILINE)
_BRACKETED = re.compile(
    r"\([^()]{3,}\)|\[[^\[\]]{3,}\]|\{[^{}]{3,}\}|<[^<>]{3,}>|\uff1c[^\uff1c\uff1e]{3,}\uff1e"
)
_HAS_WORD = re.compile(r"[^\W\d_]{2,}")
# Zero-width characters: invisible to the recruiter, so they can hide a sentence boundary.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]+")


def addressed_to_model(text: str) -> bool:
    """Whether the text speaks to a model (instructions, fake turns, scores, approvals)
    rather than to the interviewer."""
    return bool(_ADDRESSED.search(text))


@dataclass(frozen=True)
class Sentence:
    # Verbatim from the answer: what evidence quotes.
    text: str
    # Hesitations left out, spaces collapsed: what the model and the checks read.
    clean: str


@dataclass(frozen=True)
class ReadAnswer:
    sentences: list[Sentence]
    # Verbatim spans taken out because they speak to a model; shown to the recruiter.
    addressed_to_model: list[str]


def _without_addressed_parts(sentence: str, removed: list[str]) -> tuple[str, bool]:
    """The sentence without bracketed asides and tags that speak to a model, then without the
    sentences that do (a tag can hide a sentence end: "scores.</system> I led"), and whether
    anything was taken out."""
    kept = sentence
    # Innermost first, again and again: a nested payload ({"score": {"level": 5}}) only
    # matches once its inner braces are gone.
    while asides := [aside for aside in _BRACKETED.findall(kept) if addressed_to_model(aside)]:
        for aside in asides:
            removed.append(aside)
            kept = kept.replace(aside, " ")
    pieces = [
        m.group(0).strip()
        for part in _INVISIBLE.split(kept)
        for m in _SENTENCE.finditer(part)
        if m.group(0).strip()
    ]
    spoken = [piece for piece in pieces if not addressed_to_model(piece)]
    removed.extend(piece for piece in pieces if piece not in spoken)
    text = " ".join(spoken)
    return text, text != sentence


def _belongs_to_message(sentence: str) -> bool:
    return len(sentence.split()) < _SHORT_WORDS or bool(_JUDGING_WORDS.search(sentence))


def read_answer(answer: str, language: Language) -> ReadAnswer:
    removed = [turn.group(0).strip() for turn in _FAKE_TURN.finditer(answer)]
    # A line break where each fake turn was: what is left stays verbatim pieces of the answer.
    outside_turns = _FAKE_TURN.sub("\n", answer)
    verbatim = [m.group(0).strip() for m in _SENTENCE.finditer(outside_turns) if m.group(0).strip()]
    parts = [_without_addressed_parts(sentence, removed) for sentence in verbatim]
    kept = [text for text, _ in parts]
    addressed = [touched for _, touched in parts]
    # Grow each removed stretch over its neighbours that continue the same message, and over
    # what lies between two removed sentences.
    grown = True
    while grown:
        grown = False
        for index, sentence in enumerate(kept):
            before = index > 0 and addressed[index - 1]
            after = index + 1 < len(kept) and addressed[index + 1]
            own_aside = addressed[index] and sentence
            if sentence and (
                (before and after)
                or ((before or after or own_aside) and _belongs_to_message(sentence))
            ):
                removed.append(sentence.strip())
                kept[index], addressed[index], grown = "", True, True
    sentences: list[Sentence] = []
    for original, text in zip(verbatim, kept, strict=True):
        clean = " ".join(without_fillers(text, language).split())
        if not _HAS_WORD.search(clean):
            continue
        # Evidence stays verbatim: the kept part when it is the answer's own text.
        quote = original if text == original else text.strip()
        sentences.append(Sentence(text=quote if quote in answer else original, clean=clean))
    return ReadAnswer(sentences, [span for span in removed if span])


def without_instructions(text: str, language: Language) -> str:
    """The text without what speaks to a model: candidate text a prompt may carry."""
    return " ".join(s.text for s in read_answer(text, language).sentences)
