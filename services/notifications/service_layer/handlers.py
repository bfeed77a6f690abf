"""The message bus of the mailing-list service: one command, one handler, each owning its transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from services.notifications.domain import commands, news
from services.notifications.service_layer import (
    bounces,
    gdpr,
    held,
    incoming,
    members,
    membership,
    personal,
    selfservice,
)
from services.notifications.service_layer.ports import Deps

HANDLERS: dict[type, Callable[[Any, Deps], Awaitable[Any]]] = {
    commands.CreateList: membership.create_list,
    commands.Subscribe: membership.subscribe,
    commands.Confirm: membership.confirm,
    commands.Decide: membership.decide,
    commands.AddMember: members.add_member,
    commands.RemoveMember: members.remove_member,
    commands.SetRole: members.set_role,
    commands.SetDelivery: members.set_delivery,
    commands.ChangeAddress: members.change_address,
    commands.ConfirmAddress: members.confirm_address,
    commands.Unsubscribe: members.unsubscribe,
    commands.Post: members.post,
    commands.UpdateList: membership.update_list,
    commands.SendSignIn: selfservice.send_sign_in,
    commands.SendManageLink: selfservice.send_manage_link,
    commands.MyDelivery: selfservice.my_delivery,
    commands.MyAddress: selfservice.my_address,
    commands.Leave: selfservice.leave,
    commands.ExportPerson: gdpr.export,
    commands.ErasePerson: gdpr.erase,
    commands.DecidePost: held.decide_post,
    commands.UpdatePosting: membership.update_posting,
    commands.ResumeDelivery: bounces.resume_delivery,
    news.FollowGroup: incoming.follow_group,
    news.AnnounceOffice: incoming.announce_office,
    news.AnnounceAction: incoming.announce_action,
    news.RemindOfWorkItem: incoming.remind_of_work_item,
    news.ReportProgress: incoming.report_progress,
    news.SendPersonalMail: personal.send_personal_mail,
}


async def handle(cmd: object, deps: Deps) -> Any:
    """The message bus: one command, one handler."""
    return await HANDLERS[type(cmd)](cmd, deps)
