"""The group policy: which rules run, how strictly, and what happens when they are broken.

An organisation keeps one `PolicyDocument` (the org default, `default_policy.yaml` until an operator
applies their own); a group may have a partial override that `resolve` deep-merges onto it into the
`GroupPolicy` the engine reads. Dicts merge key by key; a list in an override replaces the org's list,
and a key written `name+` appends to it instead (`allowed_domains+: [wiki.example.com]`), however many
patches it passes through on its way (`combine`). A group's `admins` add to the org's: a group's override
cannot unname an org admin. Unknown keys are refused, so a typo fails `policy validate` instead of
silently doing nothing. The people a policy names are qualified ids (`chalicelib.core.people`).

Every rule section has a `mode`: `enforce` (act), `warn` (only explain privately), `shadow` (record what
would have happened, do nothing), `off`. The group's own `mode` caps every rule's (a pilot group can be
put in shadow as a whole). `severity` orders findings; `points` feed the escalation ladder.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from chalicelib.core.patterns import check_pattern
from chalicelib.core.people import document_problems
from chalicelib.core.sections.files import ArchiveSettings
from chalicelib.core.sections.jobs import JobsSettings
from chalicelib.core.sections.membership import MembershipSettings
from chalicelib.core.sections.workflows import WorkflowSettings
from chalicelib.i18n import normalise_locale

Mode = Literal["enforce", "warn", "shadow", "off"]
Severity = Literal["low", "medium", "high"]
Locale = Literal["zh-CN", "zh-TW", "en"]

MODE_RANK: dict[str, int] = {"off": 0, "shadow": 1, "warn": 2, "enforce": 3}
SEVERITY_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3}


class PolicyError(ValueError):
    """A policy document or override that does not validate; the message lists every problem by path."""


# Shipped defaults; default_policy.yaml spells the same values out with comments (a test keeps them equal).
DEFAULT_ALLOWED_DOMAINS = (
    "dingtalk.com",
    "slack.com",
    "work.weixin.qq.com",
    "docs.qq.com",
    "meeting.tencent.com",
    "feishu.cn",
    "office.com",
    "sharepoint.com",
    "github.com",
)
DEFAULT_ALLOWED_EXTENSIONS = (
    *("doc", "docx", "xls", "xlsx", "ppt", "pptx", "pdf", "wps", "et", "dps", "key", "pages", "numbers"),
    *("txt", "md", "csv", "xmind", "vsdx", "png", "jpg", "jpeg", "gif", "webp", "heic", "svg"),
    *("mp4", "mov", "mp3", "m4a", "wav", "zip", "rar", "7z"),
)
DEFAULT_LEXICON_ALLOW = ("禁止网络赌博", "严禁网络赌博", "反洗钱", "远离毒品", "保守机密", "非机密")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _yaml_off(value: Any) -> Any:
    """YAML 1.1 reads a bare `off` as false; a mode of false means "off"."""
    return "off" if value is False else value


class Exempt(_Model):
    """Who a rule never applies to: platform roles (`owner`, `admin`, `guest`...) and named members
    (native user ids or qualified `platform:tenant:user` ids)."""

    roles: tuple[str, ...] = ("owner", "admin")
    members: tuple[str, ...] = ()


class RuleSettings(_Model):
    mode: Mode = "enforce"
    severity: Severity = "low"
    points: float = Field(default=1.0, ge=0)
    delete: bool = False
    notify_admins: bool = False
    exempt: Exempt = Exempt()

    _mode = field_validator("mode", mode="before")(_yaml_off)


class FloodSettings(RuleSettings):
    """R5.5: more than `max_messages` in `window_seconds` by one member."""

    severity: Severity = "medium"
    notify_admins: bool = True
    max_messages: int = Field(default=8, ge=1)
    window_seconds: int = Field(default=10, ge=1)
    mute_seconds: int = Field(default=600, ge=0)


class DuplicateSettings(RuleSettings):
    """R3.4: the same normalised text again within `window_seconds`, by one member or across the group.
    Short texts ("收到", "+1", "ok") are never duplicates: below `min_chars` for a member and
    `group_min_chars` across the group."""

    points: float = Field(default=0.5, ge=0)
    delete: bool = True
    window_seconds: int = Field(default=300, ge=1)
    member_max_copies: int = Field(default=1, ge=1)
    group_max_copies: int = Field(default=3, ge=1)
    min_chars: int = Field(default=4, ge=1)
    group_min_chars: int = Field(default=10, ge=1)


class LexiconCategory(_Model):
    """A lexicon category's own settings; unset fields fall back to the lexicon section's."""

    enabled: bool = True
    severity: Severity | None = None
    points: float | None = Field(default=None, ge=0)
    delete: bool | None = None
    sensitive: bool = False


def _default_categories() -> dict[str, LexiconCategory]:
    return {
        "abuse": LexiconCategory(severity="medium", points=1.0),
        "illegal": LexiconCategory(severity="high", points=2.0),
        "confidential": LexiconCategory(severity="high", points=1.0, sensitive=True),
    }


class LexiconSettings(RuleSettings):
    """R3.2, R4.9, R5.1 (and R4.4's confidentiality markers): lexicon categories, extra terms per
    category (a category only here is a new one, with the section's settings), and allow phrases.
    `labels` name a category as members and admins read it (`competitor: 竞品信息`), where its key
    would otherwise show. `exact_terms` match only a whole message (after normalisation): the place for a
    single character or a one-letter word, which as an ordinary term would catch half of all messages."""

    severity: Severity = "medium"
    delete: bool = True
    notify_admins: bool = True
    categories: dict[str, LexiconCategory] = Field(default_factory=_default_categories)
    extra_terms: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    exact_terms: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    allow: tuple[str, ...] = DEFAULT_LEXICON_ALLOW
    labels: dict[str, str] = Field(default_factory=dict)

    def category(self, name: str) -> LexiconCategory:
        return self.categories.get(name, LexiconCategory())

    def enabled_categories(self) -> tuple[str, ...]:
        names = dict.fromkeys((*self.categories, *self.extra_terms, *self.exact_terms))
        return tuple(name for name in names if name != "promotion" and self.category(name).enabled)


class AdsSettings(RuleSettings):
    """R3.5: links to domains not on `allowed_domains` (a domain allows its subdomains), contact details
    offered (WeChat / QQ ids, a phone number with "加我"/"contact"), QR-code hints and promotion words.
    `links: strict` makes any other link an ad by itself; `signal` counts it as a weak signal. Weak
    signals (promotion words, QR hints, signal links) make an ad from `weak_signals_needed` on."""

    points: float = Field(default=1.0, ge=0)
    delete: bool = True
    allowed_domains: tuple[str, ...] = DEFAULT_ALLOWED_DOMAINS
    links: Literal["strict", "signal", "ignore"] = "strict"
    contact_details: bool = True
    qr_hints: bool = True
    promotion_words: bool = True
    extra_words: tuple[str, ...] = ()
    weak_signals_needed: int = Field(default=2, ge=1)

    @field_validator("allowed_domains")
    @classmethod
    def _lower_domains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(domain.strip().lower().lstrip("*.").rstrip(".") for domain in value if domain.strip())


class PiiKind(_Model):
    enabled: bool = True
    delete: bool = True
    points: float | None = Field(default=None, ge=0)


class PiiKinds(_Model):
    id_card: PiiKind = PiiKind()
    bank_card: PiiKind = PiiKind()
    secret: PiiKind = PiiKind()
    mobile: PiiKind = PiiKind(delete=False, points=0.0)
    email: PiiKind = PiiKind(delete=False, points=0.0)


class PiiSettings(RuleSettings):
    """R4.4, R5.7: validated personal and secret data. A kind with `delete: false` and no points is a
    private nudge only."""

    severity: Severity = "high"
    delete: bool = True
    notify_admins: bool = True
    kinds: PiiKinds = PiiKinds()


class FilesSettings(RuleSettings):
    """R3.6, R6.1, R6.3: allowed types (an empty list allows all) and sizes (these cost `points`), a
    file-name pattern, a description, and stale versions (these only nudge)."""

    points: float = Field(default=0.5, ge=0)
    name_pattern: str | None = None
    name_example: str = ""
    allowed_extensions: tuple[str, ...] = DEFAULT_ALLOWED_EXTENSIONS
    max_size_mb: float = Field(default=100.0, gt=0)
    require_description: bool = True
    description_window_seconds: int = Field(default=120, ge=0)
    min_description_chars: int = Field(default=2, ge=1)
    check_versions: bool = True

    @field_validator("name_pattern")
    @classmethod
    def _runs_in_linear_time(cls, value: str | None) -> str | None:
        reason = check_pattern(value) if value else None
        if reason:
            raise ValueError(reason)
        return value or None

    @field_validator("allowed_extensions")
    @classmethod
    def _lower_extensions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(ext.strip().lower().lstrip(".") for ext in value if ext.strip())


class EmojiSettings(RuleSettings):
    """R5.8: at least `min_emoji` emoji making up more than `max_ratio` of the message."""

    points: float = Field(default=0.5, ge=0)
    min_emoji: int = Field(default=10, ge=1)
    max_ratio: float = Field(default=0.5, gt=0, le=1)


class LengthSettings(RuleSettings):
    """R4.3 (optional): longer than `max_chars` (not counting spaces) gets a suggestion to summarise."""

    mode: Mode = "warn"
    points: float = Field(default=0.0, ge=0)
    max_chars: int = Field(default=1500, ge=1)


class TopicSettings(RuleSettings):
    """R3.1 (optional): a message of at least `min_chars` that mentions none of `keywords`."""

    mode: Mode = "off"
    points: float = Field(default=0.0, ge=0)
    keywords: tuple[str, ...] = ()
    min_chars: int = Field(default=30, ge=1)


class HeatedSettings(RuleSettings):
    """R5.3 (optional): a heated exchange. Two members who trade at least `min_messages` messages
    addressed to each other (an @-mention, or answering whoever spoke just before), each at least
    `min_each`, within `window_seconds`, with at least `min_heat` heat between them (abusive words,
    shouting in capitals, runs of "!!" or "？！", the same person @-mentioned again and again). Enforced,
    it puts the group in slow mode (`slowmode` below) with a calm-down notice and an admin card (End /
    Extend / Warn members), and where the platform lets the bot mute, mutes the two for `mute_seconds`.
    Counted in a window that slides by half its length; while it is on, a message addressed to someone
    costs two more writes."""

    mode: Mode = "off"
    severity: Severity = "medium"
    points: float = Field(default=0.0, ge=0)
    notify_admins: bool = True
    window_seconds: int = Field(default=120, ge=10, le=3600)
    min_messages: int = Field(default=6, ge=2)
    min_each: int = Field(default=2, ge=1)
    min_heat: int = Field(default=4, ge=1)
    mute_seconds: int = Field(default=300, ge=0, le=86400)


class SlowModeSettings(RuleSettings):
    """R5.3: while the group is in slow mode (after a heated exchange, or `slowmode on` by an admin), each
    member may post one message per `seconds_per_message`; a message over that rate is removed where the
    platform lets the bot (else its author is asked privately to withdraw it) and explained. Slow mode
    lasts `default_minutes` unless the command says otherwise, at most `max_minutes`."""

    delete: bool = True
    points: float = Field(default=0.0, ge=0)
    seconds_per_message: int = Field(default=60, ge=5, le=3600)
    default_minutes: int = Field(default=10, ge=1, le=1440)
    max_minutes: int = Field(default=120, ge=1, le=1440)


class Rules(_Model):
    flood: FloodSettings = FloodSettings()
    duplicate: DuplicateSettings = DuplicateSettings()
    lexicon: LexiconSettings = LexiconSettings()
    ads: AdsSettings = AdsSettings()
    pii: PiiSettings = PiiSettings()
    files: FilesSettings = FilesSettings()
    emoji: EmojiSettings = EmojiSettings()
    length: LengthSettings = LengthSettings()
    topic: TopicSettings = TopicSettings()
    heated: HeatedSettings = HeatedSettings()
    slowmode: SlowModeSettings = SlowModeSettings()

    def section(self, name: str) -> RuleSettings | None:
        value = getattr(self, name, None) if name in type(self).model_fields else None
        return value if isinstance(value, RuleSettings) else None


class Threshold(_Model):
    """When a member's points reach `points`: mute for `mute_seconds`, propose removal to the admins
    (a card they confirm), or remove outright."""

    points: float = Field(gt=0)
    action: Literal["mute", "propose_removal", "remove"]
    mute_seconds: int = Field(default=3600, ge=1)


def _default_thresholds() -> tuple[Threshold, ...]:
    return (
        Threshold(points=3, action="mute", mute_seconds=3600),
        Threshold(points=5, action="propose_removal"),
    )


class Escalation(_Model):
    """R3.7: points decay exponentially with `half_life_days`. A threshold counts as reached from
    `points - tolerance`, so the few hours of decay between three quick violations do not leave a
    member at 2.99 of 3."""

    half_life_days: float = Field(default=30.0, gt=0)
    tolerance: float = Field(default=0.1, ge=0)
    # `person`: a member's points count across every group they are in, on every linked platform.
    scope: Literal["group", "person"] = "group"
    thresholds: tuple[Threshold, ...] = Field(default_factory=_default_thresholds)

    @field_validator("thresholds")
    @classmethod
    def _ordered(cls, value: tuple[Threshold, ...]) -> tuple[Threshold, ...]:
        return tuple(sorted(value, key=lambda threshold: threshold.points))


def _default_retention() -> dict[str, int]:
    # `activity`: the message metadata the assessment reads (this period and the last); `messages`, the
    # text kept for the content review, is absent (off) unless a policy sets it (chalicelib.jobs.activity).
    return {"cases": 365, "audit": 400, "snapshots": 30, "files": 365, "reports": 365, "activity": 62}


Rank = Literal["admins", "owners"]
TAG_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,39}(:[a-z0-9][a-z0-9_.-]{0,59})?$"


class SanctionRights(_Model):
    """Who may impose (and lift) a sanction of each scope: `admins` of the group it is typed in, or only the
    org's `owners` (`workflows.revisions.owners`). The rights for `tag` and `org` are read from the org
    policy alone, so that no group's override can grant itself an org-wide ban."""

    group: Rank = "admins"
    tag: Rank = "owners"
    org: Rank = "owners"


class PeopleSettings(_Model):
    """One person across groups and platforms (chalicelib.persons)."""

    sanctions: SanctionRights = SanctionRights()
    # Who sees a person's history across groups (`person @member`, `cases @member --all`).
    history: Rank = "admins"
    # The longest a sanction may run (`--for`); a sanction always has an expiry.
    max_days: int = Field(default=365, ge=1, le=3650)
    default_days: int = Field(default=90, ge=1, le=3650)


class GroupPolicy(_Model):
    """A group's resolved policy: what the engine and the rules read."""

    version: int = Field(default=1, ge=0)
    override_version: int | None = None
    locale: Locale = "zh-CN"
    mode: Mode = "enforce"
    admins: tuple[str, ...] = ()
    approvers: tuple[str, ...] = ()
    auditors: tuple[str, ...] = ()  # read everything in the web console, change nothing (org only)
    appeal_days: int = Field(default=7, ge=1)
    escalation: Escalation = Escalation()
    # The sets of groups this group belongs to, for sanctions scoped to a tag (`project:apollo`).
    tags: tuple[Annotated[str, StringConstraints(pattern=TAG_PATTERN)], ...] = ()
    people: PeopleSettings = PeopleSettings()
    retention: dict[str, int] = Field(default_factory=_default_retention)
    rules: Rules = Rules()
    membership: MembershipSettings = MembershipSettings()
    jobs: JobsSettings = JobsSettings()
    workflows: WorkflowSettings = WorkflowSettings()
    archive: ArchiveSettings = ArchiveSettings()

    _mode = field_validator("mode", mode="before")(_yaml_off)

    @field_validator("locale", mode="before")
    @classmethod
    def _locale(cls, value: Any) -> Any:
        # Platform spellings (zh_TW, zh-Hant, en-US) are accepted; anything else fails validation.
        if isinstance(value, str) and value.replace("_", "-").lower().startswith(("zh", "en")):
            return normalise_locale(value)
        return value

    @field_validator("retention")
    @classmethod
    def _positive(cls, value: dict[str, int]) -> dict[str, int]:
        bad = [kind for kind, days in value.items() if days < 1]
        if bad:
            raise ValueError(f"retention must be at least 1 day: {', '.join(bad)}")
        return value

    @property
    def revision(self) -> str:
        """What a case records: the org version, and the group override's where there is one."""
        return (
            f"{self.version}" if self.override_version is None else f"{self.version}.{self.override_version}"
        )

    def effective_mode(self, rule: str) -> Mode:
        """The rule's mode, capped by the group's."""
        section = self.rules.section(rule)
        mode = section.mode if section else self.mode
        return mode if MODE_RANK[mode] <= MODE_RANK[self.mode] else self.mode

    def is_admin(self, uid: str) -> bool:
        """Whether the policy names `uid` (`platform:tenant:user`) an admin; a bare id names nobody."""
        return uid in self.admins


class PolicyDocument(GroupPolicy):
    """The org default as stored and applied: a full policy, plus optional inline group overrides keyed
    by gid (`platform:tenant:chat`), for operators who keep everything in one file."""

    groups: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _overrides_resolve(self) -> PolicyDocument:
        for gid, override in self.groups.items():
            try:
                resolve(self, override)
            except PolicyError as exc:
                raise ValueError(f"groups.{gid}: {exc}") from exc
        return self


def _errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()
    )


_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_log = logging.getLogger(__name__)

# Where a policy holds a pattern an admin wrote (run on RE2: `chalicelib.core.patterns`).
PATTERN_PATHS: tuple[tuple[str, ...], ...] = (
    ("rules", "files", "name_pattern"),
    ("membership", "real_names", "pattern"),
)


def drop_refused_patterns(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A stored document or override with each pattern RE2 refuses taken out, and what was taken out
    (path: reason). A text stored before patterns ran on RE2 may hold a lookaround that Python accepted;
    read back, it switches that one check off (and says so in the log) rather than the group's whole
    policy. New texts are refused with the reason when they are written."""
    cleaned = dict(data)
    dropped: list[str] = []
    for path in PATTERN_PATHS:
        parents = [cleaned]
        for key in path[:-1]:
            below = parents[-1].get(key)
            if not isinstance(below, Mapping):
                break
            parents.append(dict(below))
        else:
            value = parents[-1].get(path[-1])
            reason = check_pattern(value) if isinstance(value, str) and value else None
            if reason is None:
                continue
            del parents[-1][path[-1]]
            for depth in range(len(parents) - 1, 0, -1):
                parents[depth - 1][path[depth - 1]] = parents[depth]
            dropped.append(f"{'.'.join(path)}: {reason}")
    if dropped:
        _log.warning("stored policy pattern switched off: %s", "; ".join(dropped))
    return cleaned, dropped


def load_policy_yaml(text: str, *, stored: bool = False) -> PolicyDocument:
    """Parse and validate a policy document; raises PolicyError with every problem by path. The people
    it names must be qualified ids (`chalicelib.core.people`), except in a document read back from the
    table (`stored`): one written before that rule is read as it is, and its bare ids name nobody; a
    pattern in it that RE2 refuses is switched off (`drop_refused_patterns`)."""
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader, libyaml's where present
    except yaml.YAMLError as exc:
        raise PolicyError(f"not valid YAML: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError("a policy is a mapping of settings")
    if stored:
        data, _ = drop_refused_patterns(data)
        if isinstance(data.get("groups"), Mapping):
            data["groups"] = {
                gid: drop_refused_patterns(override)[0] if isinstance(override, Mapping) else override
                for gid, override in data["groups"].items()
            }
    try:
        document = PolicyDocument.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(_errors(exc)) from exc
    problems = [] if stored else document_problems(data)
    if problems:
        raise PolicyError("; ".join(problems))
    return document


def _appended(key: str, current: Any, items: Any) -> list[Any]:
    """`current` with `items` after it, each once (by equality: the items may be lists or mappings)."""
    if not isinstance(items, list | tuple) or not isinstance(current, list | tuple):
        raise PolicyError(f"{key.removesuffix('+')}: `{key}` appends a list to a list")
    found: list[Any] = []
    for item in [*current, *items]:
        if item not in found:
            found.append(item)
    return found


def merge(
    base: Mapping[str, Any], override: Mapping[str, Any], defaults: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """`override` applied onto the whole document `base`: mappings key by key, anything else replaced;
    `key+` appends to the list `base` holds, or, where `base` does not spell it out, to the value
    `defaults` (the validated document) gives it."""
    merged = dict(base)
    known = defaults or {}
    for key, value in override.items():
        if key.endswith("+"):
            name = key[:-1]
            current = merged[name] if name in merged else known.get(name)
            merged[name] = _appended(key, current or [], value)
        elif isinstance(value, Mapping) and (key not in merged or isinstance(merged[key], Mapping)):
            below = known.get(key)
            merged[key] = merge(merged.get(key) or {}, value, below if isinstance(below, Mapping) else None)
        else:
            merged[key] = value
    return merged


def combine(first: Mapping[str, Any], then: Mapping[str, Any]) -> dict[str, Any]:
    """Two patches as one: applying the result is applying `first`, then `then`. A `key+` stays an
    append until it meets the list it appends to, so `admins+: [x]` written onto a patch that does not
    set `admins` stays `admins+` and appends to the org's admins at the end, never replaces them."""
    combined = dict(first)
    for key, value in then.items():
        if key.endswith("+"):
            name = key[:-1]
            if name in combined:
                combined[name] = _appended(key, combined[name], value)
            else:
                combined[key] = _appended(key, combined.get(key, []), value)
        elif isinstance(value, Mapping) and isinstance(combined.get(key), Mapping):
            combined[key] = combine(combined[key], value)
        else:
            combined[key] = value
            combined.pop(f"{key}+", None)
    return combined


def resolve(org: GroupPolicy, override: Mapping[str, Any] | None) -> GroupPolicy:
    """The group's policy: `override` deep-merged onto the org default. The override's own `version`
    becomes `override_version`; `version` stays the org's."""
    base = org.model_dump(mode="python", exclude={"groups"})
    patch = dict(override or {})
    if "groups" in patch:
        raise PolicyError("groups: a group override cannot hold other groups")
    if "version" in patch:
        base["override_version"] = patch.pop("version")
    if isinstance(patch.get("admins"), list | tuple):
        # A group names its own admins in addition to the org's, never instead of them.
        patch["admins"] = _appended("admins+", base["admins"], patch["admins"])
    try:
        return GroupPolicy.model_validate(merge(base, patch))
    except ValidationError as exc:
        raise PolicyError(_errors(exc)) from exc


def resolve_group(org: PolicyDocument, gid: str, override: Mapping[str, Any] | None = None) -> GroupPolicy:
    """A group's policy from the org document's inline override for it, then a stored `override`."""
    inline = org.groups.get(gid) or {}
    return resolve(org, combine(inline, override or {}))


def policy_json_schema() -> dict[str, Any]:
    """The published JSON schema of a policy document (what `policy validate` checks)."""
    return PolicyDocument.model_json_schema()


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def diff(a: GroupPolicy | Mapping[str, Any], b: GroupPolicy | Mapping[str, Any]) -> list[str]:
    """The dotted paths whose values differ between two policies (lists compare as whole values)."""
    left = _flatten(a.model_dump(mode="json") if isinstance(a, BaseModel) else dict(a))
    right = _flatten(b.model_dump(mode="json") if isinstance(b, BaseModel) else dict(b))
    return sorted(
        path for path in left.keys() | right.keys() if left.get(path, _MISSING) != right.get(path, _MISSING)
    )


_MISSING = object()


@lru_cache(maxsize=1)
def default_policy_text() -> str:
    return resources.files("chalicelib.core").joinpath("default_policy.yaml").read_text(encoding="utf-8")


DEFAULT_ORG_POLICY: PolicyDocument = load_policy_yaml(default_policy_text())

__all__ = [
    "DEFAULT_ORG_POLICY",
    "MODE_RANK",
    "SEVERITY_RANK",
    "AdsSettings",
    "DuplicateSettings",
    "EmojiSettings",
    "Escalation",
    "Exempt",
    "FilesSettings",
    "FloodSettings",
    "GroupPolicy",
    "HeatedSettings",
    "LengthSettings",
    "LexiconCategory",
    "LexiconSettings",
    "Mode",
    "PiiKind",
    "PiiKinds",
    "PiiSettings",
    "PolicyDocument",
    "PolicyError",
    "RuleSettings",
    "Rules",
    "Severity",
    "SlowModeSettings",
    "Threshold",
    "TopicSettings",
    "combine",
    "default_policy_text",
    "diff",
    "load_policy_yaml",
    "merge",
    "policy_json_schema",
    "resolve",
    "resolve_group",
]
