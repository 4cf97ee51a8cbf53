"""``chancery awareness mailbox poll``, ``… reminders send`` and ``… courses install``.

The first two run the scheduled jobs on demand; the third installs the shipped course library. All run
as the system actor (their audit events name the command) and import Django lazily.
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

console = Console(stderr=True, highlight=False)


def _system(purpose: str) -> Any:
    from chancery.cli import setup_django

    setup_django()
    from chancery.platform.actor import Actor

    return Actor.system(purpose=purpose)


def cmd_mailbox_poll(_args: argparse.Namespace) -> int:
    """Fetch the reporting mailbox once and file what was forwarded.

    Exits 0 after a poll (refused messages are listed by reason), 1 when the mailbox failed, 2 when no
    mailbox is configured.
    """
    actor = _system("awareness mailbox poll")
    from chancery.awareness.mailbox import MailboxError, configured_mailbox_poll

    try:
        result = configured_mailbox_poll(actor=actor)
    except MailboxError as error:
        console.print(f"[red]The reporting mailbox failed:[/] {error}")
        return 1
    if result is None:
        console.print("[yellow]No reporting mailbox is configured[/] (set CHANCERY_AWARENESS_IMAP_HOST).")
        return 2
    for reason in result.refused:
        console.print(f"[yellow]Refused:[/] {reason}")
    Console(highlight=False).print(f"{len(result.filed)} report(s) filed, {len(result.refused)} message(s) refused.")
    return 0


def cmd_reminders_send(_args: argparse.Namespace) -> int:
    """Send the course reminders that are due now."""
    actor = _system("awareness reminders send")
    from chancery.awareness.reminders import course_reminders_send

    Console(highlight=False).print(f"{course_reminders_send(actor=actor)} reminder(s) sent.")
    return 0


def cmd_courses_install(_args: argparse.Namespace) -> int:
    """Install or update the shipped course library (both languages, lessons and quizzes)."""
    _system("awareness courses install")
    from chancery.awareness.curriculum import curriculum_install
    from chancery.awareness.demo import awareness_demo_seed

    installed = [awareness_demo_seed().slug, *(course.slug for course in curriculum_install())]
    Console(highlight=False).print(f"{len(installed)} course(s) installed: {', '.join(installed)}.")
    return 0


def register(sub: Any) -> None:
    """Add ``chancery awareness mailbox poll``, ``reminders send`` and ``courses install``."""
    awareness = sub.add_parser("awareness", help="security awareness: reporting mailbox, course reminders")
    awareness_sub = awareness.add_subparsers(dest="awareness_command", required=True)
    mailbox = awareness_sub.add_parser("mailbox", help="the phishing reporting mailbox")
    mailbox_sub = mailbox.add_subparsers(dest="mailbox_command", required=True)
    poll = mailbox_sub.add_parser("poll", help="fetch the forwarded reports once and file them")
    poll.set_defaults(handler=cmd_mailbox_poll)
    reminders = awareness_sub.add_parser("reminders", help="course reminders")
    reminders_sub = reminders.add_subparsers(dest="reminders_command", required=True)
    send = reminders_sub.add_parser("send", help="send the reminders due now")
    send.set_defaults(handler=cmd_reminders_send)
    course_parser = awareness_sub.add_parser("courses", help="the shipped course library")
    courses_sub = course_parser.add_subparsers(dest="courses_command", required=True)
    install = courses_sub.add_parser("install", help="install or update the shipped courses")
    install.set_defaults(handler=cmd_courses_install)
