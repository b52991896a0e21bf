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

from ecomops.tasks.model import TaskView

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


def _task_line(t: TaskView, _: Gettext) -> str:
    bits = [f"#{t.id} {t.title}"]
    if t.owner:
        bits.append(f"@{t.owner}")
    if t.due:
        bits.append(f"{_('due')} {t.due.isoformat()}")
    return " · ".join(bits)


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
    doing = [t for t in tasks if t.status == "doing"]
    progress = [f"✓ {_task_line(t, _)}" for t in done] + [f"→ {_task_line(t, _)}" for t in doing]
    today = day + dt.timedelta(days=1)
    # High-severity findings first, then medium ones (the brief ranks each group by impact).
    ranked = sorted((f for f in brief.get("findings", []) if f.get("severity") in RISK_RANK),
                    key=lambda f: RISK_RANK[f["severity"]])
    risks = [f"[{name('severity', f['severity'])}] {f['summary']}" for f in ranked][:MAX_RISKS]
    risks += [f"{_('Overdue')}: {_task_line(t, _)}" for t in tasks if t.overdue(today)]
    needs = [f"{_('No owner')}: {_task_line(t, _)}" for t in tasks if t.status != "done" and not t.owner]
    needs += [f"{_('Check failed')}: {_task_line(t, _)} ({(t.check_result or {}).get('reason', '')})"
              for t in tasks if (t.check_result or {}).get("outcome") == "failed" and t.status != "done"]
    return TeamReport("standup", f"{_('Stand-up')} {today.isoformat()}", day, [
        Section(f"{_('Key figures of')} {day.isoformat()}", figures),
        Section(_("Progress"), progress),
        Section(_("Risks"), risks),
        Section(_("Needs"), needs),
    ])


def end_of_day(tasks: Iterable[TaskView], day: dt.date, gettext: Gettext = _identity) -> TeamReport:
    """End-of-day report of ``day``: done, not done (due by then), tomorrow's plan."""
    _ = gettext
    tasks = list(tasks)
    tomorrow = day + dt.timedelta(days=1)
    done = [_task_line(t, _) for t in tasks if t.status == "done" and t.closed_on == day]
    open_ = [t for t in tasks if t.status != "done"]
    not_done = [_task_line(t, _) for t in open_ if t.due is not None and t.due <= day]
    plan = [_task_line(t, _) for t in open_
            if t.status == "doing" or (t.due is not None and t.due <= tomorrow)]
    return TeamReport("eod", f"{_('End of day')} {day.isoformat()}", day, [
        Section(_("Done"), done),
        Section(_("Not done"), not_done),
        Section(_("Tomorrow's plan"), plan),
    ])
