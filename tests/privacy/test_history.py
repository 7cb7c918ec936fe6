"""Change history (who changed what, when) for organisations, contact persons and meetings,
visible to staff in the admin (django-simple-history)."""

from meetings.models import Meeting
from organisations.models import ContactPerson, Organisation
from tests.factories import MeetingFactory
from tests.organisations.test_edit import edit_data


def test_an_editors_change_is_recorded_with_who_and_when(editor, editor_contact, org_a, staff):
    editor.post(
        f"/organisationen/{org_a.slug}/bearbeiten/", edit_data(org_a, **{"org-city": "Esslingen"})
    )

    latest = Organisation.history.filter(id=org_a.pk).latest("history_date")
    assert latest.city == "Esslingen"
    assert latest.history_user == editor_contact.user
    delta = latest.diff_against(latest.prev_record)
    assert [change.field for change in delta.changes] == ["city"]

    page = staff.get(f"/admin/organisations/organisation/{org_a.pk}/history/")
    assert page.status_code == 200
    assert "Esslingen" in page.text or "city" in page.text.lower() or "Ort" in page.text
    assert editor_contact.user.email in page.text or str(editor_contact.user) in page.text


def test_contact_and_meeting_changes_are_recorded(staff, member_contact):
    member_contact.receives_invitations = False
    member_contact.save()
    meeting = MeetingFactory()
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()

    assert ContactPerson.history.filter(id=member_contact.pk).count() == 2
    assert list(
        Meeting.history.filter(id=meeting.pk)
        .order_by("history_date")
        .values_list("status", flat=True)
    ) == ["scheduled", "cancelled"]
    assert staff.get(f"/admin/meetings/meeting/{meeting.pk}/history/").status_code == 200


def test_members_cannot_see_the_history(member, org_a):
    response = member.get(f"/admin/organisations/organisation/{org_a.pk}/history/")

    assert response.status_code == 302  # to the login: the admin is for staff only
