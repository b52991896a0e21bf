"""The stand-up and end-of-day reports: sections of lines, rendered as Markdown for team chat.

Pure: the brief (BRIEF.md dict), the tasks and the day come in; ``gettext`` translates headings.
Text from data or users goes into Markdown as it is (chat clients show it as text); the console
escapes it in HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ecomops.i18n import N_
from ecomops.tasks.model import CLOSURES, TaskView
from ecomops.tasks.wording import Words

Gettext = Callable[[str], str]
RISK_RANK = {"high": 0, "medium": 1}
MAX_RISKS = 5


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True)
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TeamReport:
    kind: str
    title: str
    day: dt.date
    sections: list[Section]

    def to_markdown(self) -> str:
        out = [f"## {self.title}", ""]
        for s in self.sections:
            out.append(f"**{s.heading}**")
            out.extend(f"- {line}" for line in s.lines or ["—"])
            out.append("")
        return "\n".join(out).rstrip() + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "date": self.day.isoformat(),
                "sections": [{"heading": s.heading, "lines": s.lines} for s in self.sections],
                "markdown": self.to_markdown()}


def _pct(x: Any) -> str:
    return "n/a" if x is None else f"{x:+.1%}"


def _number(metric: str, value: Any) -> str:
    if value is None:
        return "n/a"
    if metric.endswith("_rate") or metric in {"ad_ctr", "ad_acos"}:
        return f"{value:.2%}"
    return f"{value:,.2f}" if abs(value) < 1000 and value != int(value) else f"{value:,.0f}"


def _task_line(t: TaskView, _: Gettext, lang: str | None = None) -> str:
    bits = [f"#{t.id} {t.text('title', lang)}"]
    if t.owner:
        bits.append(f"@{t.owner}")
    if t.due:
        bits.append(f"{_('due')} {t.due.isoformat()}")
    return " · ".join(bits)


_CLOSURE_HEADINGS = {
    "verified": N_("Done, verified by the data"),
    "override": N_("Done without a passed check (closed with a reason)"),
    "unchecked": N_("Done, no data check"),
}


def closure_sections(done: Iterable[TaskView], gettext: Gettext, lang: str | None) -> list[Section]:
    """The tasks closed, apart by closure (verified / override / no check), each with its count;
    an override line carries the check's outcome and the reason given. ``lang`` None: English."""
    _ = gettext
    words = Words(lang or "en")
    done = list(done)
    out: list[Section] = []
    for closure in CLOSURES:
        group = [t for t in done if t.closure == closure]
        if closure == "unchecked" and not group:
            continue  # verified and override are always shown, with their count (0 too)
        lines = []
        for t in group:
            line = _task_line(t, _, lang)
            if closure == "override":
                outcome = words.outcome((t.check_result or {}).get("outcome")) or "–"
                line = f"{line} · {_('Check')}: {outcome} · {words.reason(t.close_reason)}"
            lines.append(line)
        out.append(Section(f"{_(_CLOSURE_HEADINGS[closure])} · {words.count(len(group))}", lines))
    return out


def standup(
    brief: Mapping[str, Any], tasks: Iterable[TaskView], day: dt.date, gettext: Gettext = _identity,
    lang: str | None = None,
) -> TeamReport:
    """Stand-up for the morning after ``day``: that day's key figures, progress, risks, needs.

    ``lang`` names metrics and severities with the shared labels of ``ecomops.i18n``."""
    from ecomops.i18n import label

    _ = gettext

    def name(kind: str, value: str) -> str:
        return label(kind, value, lang) if lang else value

    tasks = list(tasks)
    figures = [
        f"{name('metric', k['metric'])}: {_number(k['metric'], k.get('value'))} "
        f"({_('DoD')} {_pct(k.get('dod'))}, {_('WoW')} {_pct(k.get('wow'))})"
        for k in brief.get("kpis", [])[:6]
    ]
    done = [t for t in tasks if t.status == "done" and t.closed_on == day]
    doing = [f"→ {_task_line(t, _, lang)}" for t in tasks if t.status == "doing"]
    today = day + dt.timedelta(days=1)
    # High-severity findings first, then medium ones (the brief ranks each group by impact).
    ranked = sorted((f for f in brief.get("findings", []) if f.get("severity") in RISK_RANK),
                    key=lambda f: RISK_RANK[f["severity"]])
    risks = [f"[{name('severity', f['severity'])}] {_finding_text(f, lang)}" for f in ranked][:MAX_RISKS]
    risks += [f"{_('Overdue')}: {_task_line(t, _, lang)}" for t in tasks if t.overdue(today)]
    needs = [f"{_('No owner')}: {_task_line(t, _, lang)}"
             for t in tasks if t.status != "done" and not t.owner]
    needs += [f"{_('Check failed')}: {_task_line(t, _, lang)} ("
              f"{Words(lang or 'en').result(t.check_result, t.acceptance_check)})"
              for t in tasks if (t.check_result or {}).get("outcome") == "failed" and t.status != "done"]
    return TeamReport("standup", f"{_('Stand-up')} {today.isoformat()}", day, [
        Section(f"{_('Key figures of')} {day.isoformat()}", figures),
        *closure_sections(done, _, lang),
        Section(_("Progress"), doing),
        Section(_("Risks"), risks),
        Section(_("Needs"), needs),
    ])


def _finding_text(finding: Mapping[str, Any], lang: str | None) -> str:
    """A finding's summary in ``lang`` (its optional ``texts``), else as the brief has it."""
    from ecomops.tasks.model import text_of

    return text_of(finding.get("texts"), "summary", lang, str(finding.get("summary", "")))


def end_of_day(
    tasks: Iterable[TaskView], day: dt.date, gettext: Gettext = _identity, lang: str | None = None,
) -> TeamReport:
    """End-of-day report of ``day``: done (verified by the data apart from closed without a
    passed check, with counts), not done (due by then), tomorrow's plan."""
    _ = gettext
    tasks = list(tasks)
    tomorrow = day + dt.timedelta(days=1)
    done = [t for t in tasks if t.status == "done" and t.closed_on == day]
    open_ = [t for t in tasks if t.status != "done"]
    not_done = [_task_line(t, _, lang) for t in open_ if t.due is not None and t.due <= day]
    plan = [_task_line(t, _, lang) for t in open_
            if t.status == "doing" or (t.due is not None and t.due <= tomorrow)]
    return TeamReport("eod", f"{_('End of day')} {day.isoformat()}", day, [
        *closure_sections(done, _, lang),
        Section(_("Not done"), not_done),
        Section(_("Tomorrow's plan"), plan),
    ])
