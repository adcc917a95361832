"""Word error rate: how far a transcript is from the words that were said.

(substitutions + deletions + insertions) / words said, by edit distance over words, after both
texts are lower-cased and stripped of punctuation ("I'm" stays one word). The bench measures the
recognisers with it on espeak-ng sentences whose text is known.
"""

import re

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, without punctuation."""
    return _WORD.findall(text.lower())


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, number of reference words)."""
    said, heard = words(reference), words(hypothesis)
    previous = list(range(len(heard) + 1))
    for i, word in enumerate(said, start=1):
        current = [i]
        for j, other in enumerate(heard, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1], len(said)


def word_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """The WER of a set of utterances: all their errors over all their reference words."""
    errors = [word_errors(r, h) for r, h in zip(references, hypotheses, strict=True)]
    total = sum(n for _, n in errors)
    return sum(e for e, _ in errors) / total if total else 0.0
