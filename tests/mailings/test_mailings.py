"""Mailings (issue 18): who a selection reaches, sending once through the worker, the
unsubscribe link (one click from the mail program, GET changes nothing), the headers, the
attachment checks, and the person's data."""

import datetime
import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mailings.emails import mailing_message
from mailings.models import Mailing, Recipient
from mailings.services import add_recipients, select_contacts, send_mailing
from mailings.tasks import deliver_mailings
from meetings.services import object_to_invitations
from meetings.tasks import send_one
from organisations.models import ContactPerson, Region
from privacy.services import erase, export
from tests.conftest import run_worker
from tests.factories import (
    ContactPersonFactory,
    InvitationFactory,
    MeetingFactory,
    OrganisationFactory,
    TopicFactory,
)

by_the_worker = pytest.mark.django_db(transaction=True)


def directory():
    """Organisations and persons of every kind the filters tell apart."""
    topic, region = TopicFactory(name="Asylverfahren"), Region.objects.get(name="Ulm (Stadtkreis)")
    core = OrganisationFactory(in_core_circle=True, kind="welfare")
    union = OrganisationFactory(kind="union")
    union.regions.add(region)
    union.topics.add(topic)
    people = [
        ContactPersonFactory(organisation=core),
        ContactPersonFactory(organisation=core, receives_invitations=False),
        ContactPersonFactory(organisation=union),
        ContactPersonFactory(organisation=union, mailings_declined_at=timezone.now()),
        ContactPersonFactory(organisation=OrganisationFactory(kind="union")),
    ]
    people[4].topics.add(topic)
    meeting = MeetingFactory(status="held")
    InvitationFactory(meeting=meeting, contact=people[0], attended=True, delivery="sent")
    InvitationFactory(meeting=meeting, contact=people[2], attended=False, delivery="sent")
    InvitationFactory(meeting=meeting, contact=people[4])  # only noted in the round, not sent
    return topic, region, meeting


def test_each_filter_reaches_whom_an_independent_count_finds(db):
    topic, region, meeting = directory()
    everyone = [
        c
        for c in ContactPerson.objects.select_related("organisation")
        if c.receives_invitations and c.mailings_declined_at is None
    ]

    def expected(keep):
        return {c.pk for c in everyone if keep(c)}

    cases = [
        ({}, expected(lambda c: True)),
        ({"audience": "stammkreis"}, expected(lambda c: c.organisation.in_core_circle)),
        ({"kind": "union"}, expected(lambda c: c.organisation.kind == "union")),
        (
            {"topic": topic},
            expected(lambda c: topic in c.topics.all() or topic in c.organisation.topics.all()),
        ),
        ({"region": region}, expected(lambda c: region in c.organisation.regions.all())),
        (
            {"audience": "eingeladen", "meeting": meeting},
            expected(lambda c: c.invitations.filter(meeting=meeting, delivery="sent").exists()),
        ),
        (
            {"audience": "anwesend", "meeting": meeting},
            expected(lambda c: c.invitations.filter(meeting=meeting, attended=True).exists()),
        ),
        (
            {"kind": "union", "topic": topic},
            expected(
                lambda c: (
                    c.organisation.kind == "union"
                    and (topic in c.topics.all() or topic in c.organisation.topics.all())
                )
            ),
        ),
    ]
    for filters, pks in cases:
        found = select_contacts(**filters)
        assert set(found.values_list("pk", flat=True)) == pks, filters
        assert found.count() == len(pks), filters


@by_the_worker
def test_a_mailing_goes_once_to_each_person_however_often_send_is_clicked():
    people = [ContactPersonFactory() for _ in range(3)]
    mailing = Mailing.objects.create(subject="Neues zum Asylrecht", body="Liebe Alle,\n\nText.")
    add_recipients(mailing=mailing, contacts=people)
    add_recipients(mailing=mailing, contacts=people)  # added twice: once on the list

    assert send_mailing(mailing=mailing) == 3
    assert send_mailing(mailing=mailing) == 0  # a second click queues nothing
    run_worker()

    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert set(mailing.recipients.values_list("delivery", flat=True)) == {"sent"}


def test_a_batch_reads_its_mailing_and_attachment_once(db, django_capture_on_commit_callbacks):
    """Joined to each recipient, a 5 MB attachment came along 50 times a batch (and was held
    50 times over while the batch's mails were written)."""
    mailing = Mailing.objects.create(
        subject="Protokoll",
        body="Im Anhang.",
        attachment_name="protokoll.pdf",
        attachment_type="application/pdf",
        attachment=b"%PDF-1.4 " + b"x" * 100_000,
    )
    add_recipients(mailing=mailing, contacts=ContactPersonFactory.create_batch(5))
    with django_capture_on_commit_callbacks(execute=False):
        send_mailing(mailing=mailing)
    ids = list(mailing.recipients.values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        assert deliver_mailings.call(ids) == {"sent": 5}

    reads = [q["sql"] for q in queries if '"attachment"' in q["sql"]]
    assert len(reads) == 1 and '"mailings_recipient"' not in reads[0]  # not joined
    attachments = [message.attachments[0][1] for message in mail.outbox]
    assert attachments[0][:8] == b"%PDF-1.4"
    assert all(attachment is attachments[0] for attachment in attachments)  # one copy


@by_the_worker
def test_the_mail_carries_the_footer_the_headers_and_escaped_text():
    contact = ContactPersonFactory()
    mailing = Mailing.objects.create(
        subject="Gesetzesänderung",
        body="# Was sich ändert\n\n- Punkt eins\n- Punkt zwei\n\n<script>x</script> https://example.org",
        attachment_name="info.pdf",
        attachment_type="application/pdf",
        attachment=b"%PDF-1.4 test",
    )
    add_recipients(mailing=mailing, contacts=[contact])
    send_mailing(mailing=mailing)
    run_worker()

    message = mail.outbox[0]
    recipient = Recipient.objects.get()
    link = f"/rundmail/{recipient.token}/"
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{link}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert "<h2>Was sich ändert</h2>" in html and "<li>Punkt eins</li>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.org" rel="nofollow">' in html
    assert link in message.body and "/datenschutz/" in message.body
    assert message.attachments[0][0] == "info.pdf"


def test_one_click_unsubscribes_and_get_changes_nothing(db):
    recipient = Recipient.objects.create(
        mailing=Mailing.objects.create(subject="S", body="B"), contact=ContactPersonFactory()
    )
    client = Client(enforce_csrf_checks=True)  # the mail program sends no form token
    url = f"/rundmail/{recipient.token}/"

    page = client.get(url)
    recipient.contact.refresh_from_db()
    assert page.status_code == 200 and recipient.contact.mailings_declined_at is None
    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    recipient.contact.refresh_from_db()
    assert recipient.contact.mailings_declined_at is not None
    assert "Sie erhalten seit" in client.get(url).text


def test_only_the_person_undoes_it_and_not_without_the_pages_form(db):
    contact = ContactPersonFactory(mailings_declined_at=timezone.now())
    recipient = Recipient.objects.create(
        mailing=Mailing.objects.create(subject="S", body="B"), contact=contact
    )
    forged = Client(enforce_csrf_checks=True).post(f"/rundmail/{recipient.token}/wieder/")
    assert forged.status_code == 403  # a form on another site cannot undo it
    client = Client()
    client.post(f"/rundmail/{recipient.token}/wieder/")

    contact.refresh_from_db()
    assert contact.mailings_declined_at is None


def test_wrong_links_open_nothing_and_are_rate_limited(anonymous, db):
    statuses = [anonymous.post(f"/rundmail/{'a' * 63}{n % 10}/").status_code for n in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


def test_a_valid_one_click_unsubscribe_is_never_refused(anonymous, db):
    """Mail providers send one-click requests of many people from one address."""
    mailing = Mailing.objects.create(subject="S", body="B")
    add_recipients(mailing=mailing, contacts=ContactPersonFactory.create_batch(32))

    statuses = [
        anonymous.post(f"/rundmail/{r.token}/", {"List-Unsubscribe": "One-Click"}).status_code
        for r in mailing.recipients.all()
    ]

    assert statuses == [200] * 32
    assert not ContactPerson.objects.filter(mailings_declined_at=None).exists()


def test_the_count_promises_one_mail_per_address(staff, db):
    union = OrganisationFactory(kind="union")
    ContactPersonFactory(organisation=union, email="rana@example.org")
    ContactPersonFactory(organisation__kind="union", email="Rana@example.org")  # entered twice
    ContactPersonFactory(organisation=union, email="ole@example.org")
    mailing = Mailing.objects.create(subject="S", body="B")
    url = f"/geschaeftsstelle/rundmails/{mailing.pk}/"

    counted = staff.get(url, {"audience": "alle", "kind": "union"}).text
    added = staff.post(f"{url}hinzufuegen/", {"audience": "alle", "kind": "union"}, follow=True)

    assert "<strong>3 Personen</strong>" in counted and "2 Personen hinzufügen" in counted
    assert "2 Personen hinzugefügt.</" in added.text  # not "1 stand schon auf der Liste"
    assert mailing.recipients.count() == 2
    again = staff.get(url, {"audience": "alle", "kind": "union"}).text
    assert "(davon 3 schon auf der Liste)" in again and "Personen hinzufügen</button>" not in again


def test_an_objection_and_its_lifting_hold_for_every_entry_of_the_address(anonymous, db):
    first = InvitationFactory(contact__email="rana@example.org")
    second = ContactPersonFactory(email="Rana@example.org")  # at another organisation
    object_to_invitations(invitation=first)
    second.refresh_from_db()
    assert not second.receives_invitations

    anonymous.post(f"/einladung/{first.token}/widerspruch/aufheben/")

    entries = ContactPerson.objects.filter(email__iexact="rana@example.org")
    assert list(entries.values_list("receives_invitations", flat=True)) == [True, True]


def test_a_decline_holds_for_an_entry_made_later_with_the_address(anonymous, db):
    first = ContactPersonFactory(email="rana@example.org")
    mailing = Mailing.objects.create(subject="S", body="B")
    add_recipients(mailing=mailing, contacts=[first])
    anonymous.post(
        f"/rundmail/{mailing.recipients.get().token}/", {"List-Unsubscribe": "One-Click"}
    )

    later = ContactPersonFactory(email="RANA@example.org")  # entered afterwards elsewhere

    assert (
        add_recipients(mailing=Mailing.objects.create(subject="T", body="B"), contacts=[later]) == 0
    )
    assert later not in select_contacts()


def test_one_person_entered_twice_gets_one_mail_and_declines_once(anonymous, db):
    first = ContactPersonFactory(email="rana@example.org")
    second = ContactPersonFactory(email="Rana@Example.org")  # at another organisation
    mailing = Mailing.objects.create(subject="S", body="B")

    assert add_recipients(mailing=mailing, contacts=[first, second]) == 1
    assert add_recipients(mailing=mailing, contacts=[second]) == 0
    anonymous.post(
        f"/rundmail/{mailing.recipients.get().token}/", {"List-Unsubscribe": "One-Click"}
    )

    assert ContactPerson.objects.filter(mailings_declined_at=None).count() == 0
    assert (
        add_recipients(mailing=Mailing.objects.create(subject="T", body="B"), contacts=[second])
        == 0
    )


@pytest.mark.parametrize("how", ["objection", "erasure"])
def test_an_address_suppressed_through_one_entry_reaches_none_of_its_entries(
    db, how, django_capture_on_commit_callbacks
):
    first = ContactPersonFactory(email="rana@example.org")
    second = ContactPersonFactory(email="RANA@example.org")  # at another organisation
    mailing = Mailing.objects.create(subject="S", body="B")
    add_recipients(mailing=mailing, contacts=[second])
    with django_capture_on_commit_callbacks(execute=False):
        send_mailing(mailing=mailing)

    if how == "objection":
        object_to_invitations(contact=first)
    else:
        erase(first)

    second.refresh_from_db()
    assert not second.receives_invitations
    assert (
        add_recipients(mailing=Mailing.objects.create(subject="T", body="B"), contacts=[second])
        == 0
    )
    recipient = mailing.recipients.get()
    assert send_one(recipient, mailing_message(recipient), None) == "withheld"
    assert mail.outbox == []


def test_odd_numbers_in_the_address_give_no_error(staff, db):
    mailing = Mailing.objects.create(subject="S", body="B")
    assert staff.get(f"/geschaeftsstelle/rundmails/{mailing.pk}/?vorschau=²").status_code == 200
    response = staff.post(
        f"/geschaeftsstelle/rundmails/{mailing.pk}/entfernen/", {"recipient": "²"}
    )
    assert response.status_code == 302


def test_someone_who_declined_is_left_out_of_the_next_mailing_and_withheld_if_already_on_it(
    db, django_capture_on_commit_callbacks
):
    contact = ContactPersonFactory()
    first = Mailing.objects.create(subject="Eins", body="B")
    add_recipients(mailing=first, contacts=[contact])
    recipient = first.recipients.get()
    Client().post(f"/rundmail/{recipient.token}/", {"List-Unsubscribe": "One-Click"})

    second = Mailing.objects.create(subject="Zwei", body="B")
    assert add_recipients(mailing=second, contacts=select_contacts()) == 0
    third = Mailing.objects.create(subject="Drei", body="B")
    Recipient.objects.create(mailing=third, contact=contact)  # on the list before declining
    with django_capture_on_commit_callbacks(execute=False):
        send_mailing(mailing=third)
    recipient = third.recipients.get()
    assert send_one(recipient, mailing_message(recipient), None) == "withheld"
    assert mail.outbox == []


def test_a_suppressed_address_receives_no_mailing(db):
    contact = ContactPersonFactory()
    object_to_invitations(contact=contact)
    mailing = Mailing.objects.create(subject="S", body="B")
    assert add_recipients(mailing=mailing, contacts=[contact]) == 0


def container(*parts: str) -> bytes:
    """A zip container holding `parts` (as Word, Excel and LibreOffice save their files)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<xml/>")
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    ("name", "data", "refusal"),
    [
        ("info.pdf", b"%PDF-1.7 ...", None),
        ("liste.xlsx", container("[Content_Types].xml", "xl/workbook.xml"), None),
        ("brief.docx", container("[Content_Types].xml", "word/document.xml"), None),
        ("protokoll.odt", container("mimetype", "content.xml"), None),
        # Old Word and Excel files cannot be checked (their macros hide in binary records).
        ("alt.doc", OLE + b"WordDocument", ".docx, .xlsx, .odt"),
        ("alt.doc", OLE + "_VBA_PROJECT".encode("utf-16-le"), ".docx, .xlsx, .odt"),
        ("info.pdf", b"MZ\x90\x00 a renamed program", "zur Dateiendung passt"),
        ("programm.exe", b"MZ\x90\x00", "zur Dateiendung passt"),
        ("brief.docx", b"%PDF-1.7 not what the name says", "zur Dateiendung passt"),
        ("gross.pdf", b"%PDF-" + b"x" * (5 * 1024 * 1024), "größer als 5 MB"),
        # A zip of something else renamed: the container holds no Word document.
        ("brief.docx", container("setup.exe"), "zur Dateiendung passt"),
        ("liste.xlsx", b"PK\x03\x04 not a zip at all", "zur Dateiendung passt"),
        # Macros or scripts: a .docm renamed, LibreOffice Basic, JavaScript in a PDF.
        (
            "brief.docx",
            container("word/document.xml", "word/vbaProject.bin"),
            "mit Makros oder Skripten",
        ),
        (
            "protokoll.odt",
            container("content.xml", "Basic/Standard/Module1.xml"),
            "mit Makros oder Skripten",
        ),
        (
            "info.pdf",
            b"%PDF-1.7 1 0 obj << /OpenAction << /S /JavaScript /JS (x) >> >>",
            "mit Makros oder Skripten",
        ),
    ],
)
def test_an_attachment_is_checked_by_its_content(staff, db, name, data, refusal):
    response = staff.post(
        "/geschaeftsstelle/rundmails/neu/",
        {"subject": "Mit Anhang", "body": "Text", "file": SimpleUploadedFile(name, data)},
    )

    assert (response.status_code == 302) == (refusal is None)
    if refusal is None:
        assert Mailing.objects.get().attachment_name == name
    else:
        assert not Mailing.objects.exists()
        assert "Text" in response.text  # nothing typed is lost
        assert refusal in response.text


def test_the_office_counts_adds_previews_and_sends(staff, db, django_capture_on_commit_callbacks):
    people = [ContactPersonFactory(organisation__kind="union") for _ in range(2)]
    ContactPersonFactory(organisation__kind="welfare")
    ContactPersonFactory(organisation__kind="union", mailings_declined_at=timezone.now())
    ContactPersonFactory(organisation__kind="union", receives_invitations=False)
    mailing = Mailing.objects.create(subject="Tarifrunde", body="Liebe Kolleg*innen\n\n- Eins")
    url = f"/geschaeftsstelle/rundmails/{mailing.pk}/"

    counted = staff.get(url, {"audience": "alle", "kind": "union"})
    added = staff.post(f"{url}hinzufuegen/", {"audience": "alle", "kind": "union"}, follow=True)
    again = staff.post(f"{url}hinzufuegen/", {"audience": "alle", "kind": "union"}, follow=True)
    page = staff.get(url)
    confirmation = staff.get(f"{url}senden/")
    assert set(mailing.recipients.values_list("delivery", flat=True)) == {"draft"}  # GET: none
    with django_capture_on_commit_callbacks(execute=False):
        sent = staff.post(f"{url}senden/", follow=True)

    assert "<strong>2 Personen</strong>" in counted.text and "2 Personen hinzufügen" in counted.text
    assert "1 Person hat Rundmails abbestellt" in counted.text
    assert "1 Person erhält keine E-Mails vom Netzwerk" in counted.text
    assert "2 Personen hinzugefügt." in added.text
    assert added.redirect_chain[-1][0].endswith("?audience=alle&meeting=&topic=&kind=union&region=")
    assert "0 Personen hinzugefügt. 2 standen schon auf der Liste." in again.text
    assert "(davon 2 schon auf der Liste)" in again.text and "Personen hinzufügen" not in again.text
    assert {r.contact for r in mailing.recipients.all()} == set(people)
    assert "<li>Eins</li>" in page.text  # the preview, as the HTML mail shows the text
    for recipient in mailing.recipients.all():  # without the person's own link
        assert recipient.token not in page.text
    assert any(f"&lt;{p.email}&gt;" in page.text for p in people)
    assert "Sie senden jetzt 2 E-Mails." in confirmation.text
    assert "2 E-Mails werden im Hintergrund versandt." in sent.text
    assert set(mailing.recipients.values_list("delivery", flat=True)) == {"queued"}


def test_adding_by_address_says_why_someone_cannot_be_added(staff, db):
    mailing = Mailing.objects.create(subject="S", body="B")
    url = f"/geschaeftsstelle/rundmails/{mailing.pk}/hinzufuegen/"
    ContactPersonFactory(
        name="Dana Demir", email="dana@example.org", mailings_declined_at=timezone.now()
    )
    ContactPersonFactory(name="Ole Ohnepost", email="ole@example.org", receives_invitations=False)
    ContactPersonFactory(name="Aylin Arslan", email="aylin@example.org")

    def said(email):
        return staff.post(url, {"email": email}, follow=True).text

    assert "Im Verzeichnis hat niemand die Adresse unbekannt@example.org." in said(
        "unbekannt@example.org"
    )
    assert "Dana Demir hat Rundmails am" in said("dana@example.org")
    assert "Ole Ohnepost erhält keine E-Mails vom Netzwerk" in said("ole@example.org")
    assert "Aylin Arslan wurde hinzugefügt." in said("AYLIN@example.org")
    assert "Aylin Arslan steht schon auf der Liste." in said("aylin@example.org")
    assert mailing.recipients.count() == 1


def test_a_failed_mail_is_said_in_words_and_can_be_taken_off(staff, db):
    mailing = Mailing.objects.create(subject="S", body="B")
    add_recipients(mailing=mailing, contacts=[ContactPersonFactory()])
    recipient = mailing.recipients.get()
    Recipient.objects.filter(pk=recipient.pk).update(
        delivery="failed",
        delivery_error="SMTPRecipientsRefused: {'x@example.org': (550, b'5.1.1 unknown')}",
    )
    url = f"/geschaeftsstelle/rundmails/{mailing.pk}/"

    page = staff.get(url).text
    staff.post(f"{url}entfernen/", {"recipient": recipient.pk})

    assert (
        "Der Mailserver hat die Adresse abgewiesen" in page and "SMTPRecipientsRefused" not in page
    )
    assert not mailing.recipients.exists()


def test_a_draft_can_be_deleted_and_its_attachment_removed_but_a_sent_mailing_stays(staff, db):
    draft = Mailing.objects.create(
        subject="Entwurf", body="B", attachment_name="a.pdf", attachment=b"%PDF-1.4"
    )
    sent = Mailing.objects.create(subject="Versandt", body="B", sent_at=timezone.now())
    add_recipients(mailing=draft, contacts=[ContactPersonFactory()])

    edited = staff.post(
        f"/geschaeftsstelle/rundmails/{draft.pk}/text/",
        {"subject": "Entwurf", "body": "B", "remove_attachment": "on"},
    )
    draft.refresh_from_db()
    assert edited.status_code == 302 and draft.attachment_name == ""
    assert staff.post(f"/geschaeftsstelle/rundmails/{sent.pk}/loeschen/").status_code == 404
    deleted = staff.post(f"/geschaeftsstelle/rundmails/{draft.pk}/loeschen/", follow=True)
    assert "Der Entwurf „Entwurf“ wurde gelöscht." in deleted.text
    assert list(Mailing.objects.all()) == [sent] and not Recipient.objects.exists()


def test_the_attachments_name_is_escaped_on_the_edit_page(staff, db):
    mailing = Mailing.objects.create(
        subject="S", body="B", attachment_name="<img src=x onerror=alert(1)>.pdf", attachment=b"x"
    )
    page = staff.get(f"/geschaeftsstelle/rundmails/{mailing.pk}/text/").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.pdf" in page


def test_the_page_reloads_once_the_worker_is_done(staff, db):
    mailing = Mailing.objects.create(subject="S", body="B")
    add_recipients(mailing=mailing, contacts=ContactPersonFactory.create_batch(2))
    mailing.recipients.update(delivery="sent")
    url = f"/geschaeftsstelle/rundmails/{mailing.pk}/"

    response = staff.get(url, headers={"HX-Request": "true", "HX-Target": "progress"})

    assert response.headers["HX-Refresh"] == "true"
    assert "Fertig: Die Rundmail ist an 2 Personen gegangen." in staff.get(url).text


def test_export_erase_and_retention_cover_mailings_received(db):
    contact = ContactPersonFactory(mailings_declined_at=timezone.now())
    mailing = Mailing.objects.create(subject="Rundbrief März", body="B")
    Recipient.objects.create(mailing=mailing, contact=contact)
    old = Recipient.objects.create(
        mailing=Mailing.objects.create(subject="Alt", body="B"), contact=ContactPersonFactory()
    )
    Recipient.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )

    exported = export(contact)
    call_command("retention", stdout=io.StringIO())

    assert exported["mailings.recipient"][0]["mailing__subject"] == "Rundbrief März"
    assert not Recipient.objects.filter(pk=old.pk).exists()
    assert Mailing.objects.filter(subject="Alt").exists()  # the text stays
    erase(contact)
    assert not Recipient.objects.filter(contact=contact).exists()


def test_members_see_the_mailings_they_received_on_their_account(member, member_contact):
    sent = Mailing.objects.create(
        subject="Rundbrief Juni", body="Neues vom Netzwerk\n\n- Fristen prüfen\n\nwww.example.org"
    )
    Recipient.objects.create(
        mailing=sent, contact=member_contact, delivery="sent", sent_at=timezone.now()
    )
    draft = Mailing.objects.create(subject="Noch nicht versandt", body="B")
    Recipient.objects.create(mailing=draft, contact=member_contact)
    other = Mailing.objects.create(subject="An andere", body="B")
    Recipient.objects.create(
        mailing=other, contact=ContactPersonFactory(), delivery="sent", sent_at=timezone.now()
    )

    page = member.get("/konto/").text

    assert "Rundbrief Juni" in page and "Neues vom Netzwerk" in page
    assert "Noch nicht versandt" not in page and "An andere" not in page
    # As the HTML mail shows it, not the markup.
    assert "<li>Fristen prüfen</li>" in page and "- Fristen" not in page
    assert '<a href="https://www.example.org"' in page


def test_failed_mails_go_again_with_the_next_send_and_sent_ones_do_not(
    db, django_capture_on_commit_callbacks
):
    mailing = Mailing.objects.create(subject="S", body="B")
    add_recipients(mailing=mailing, contacts=ContactPersonFactory.create_batch(3))
    failed, sent, new = mailing.recipients.all()
    Recipient.objects.filter(pk=failed.pk).update(delivery="failed", delivery_error="550 x")
    Recipient.objects.filter(pk=sent.pk).update(delivery="sent")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert send_mailing(mailing=mailing) == 2

    assert len(callbacks) == 1  # one batch for the worker
    failed.refresh_from_db()
    assert failed.delivery == "queued" and failed.delivery_error == ""
    assert Recipient.objects.get(pk=sent.pk).delivery == "sent"


def test_the_progress_follows_the_worker_without_a_reload(staff, db):
    mailing = Mailing.objects.create(subject="S", body="B")
    add_recipients(mailing=mailing, contacts=ContactPersonFactory.create_batch(2))
    mailing.recipients.update(delivery="queued")
    url = f"/geschaeftsstelle/rundmails/{mailing.pk}/"

    page = staff.get(url).text
    part = staff.get(url, headers={"HX-Request": "true", "HX-Target": "progress"}).text

    assert 'data-hx-trigger="every 3s"' in page
    assert part.lstrip().startswith('<section id="progress"') and "<html" not in part
    mailing.recipients.update(delivery="sent")
    assert "every 3s" not in staff.get(url).text  # done: no more asking


@pytest.mark.parametrize("count", [1, 50])
def test_the_mailing_pages_query_counts_are_fixed(django_assert_num_queries, staff, count):
    mailings = [Mailing.objects.create(subject=f"Rundbrief {n}", body="B") for n in range(3)]
    add_recipients(mailing=mailings[0], contacts=ContactPersonFactory.create_batch(count))
    MeetingFactory()  # a meeting without invitations is not offered
    # 1 session, 2 user, 3 second factor, 4 the mailings with their figures, 5 their number
    with django_assert_num_queries(5):
        staff.get("/geschaeftsstelle/rundmails/")
    # 1-3 as above, 4 the mailing, 5 its figures, 6 the page's number of recipients, 7 the
    # page of recipients, 8-10 the meetings, topics and regions to choose from
    with django_assert_num_queries(10):
        staff.get(f"/geschaeftsstelle/rundmails/{mailings[0].pk}/")
    # 1-3 as above, 4 the mailing, 5 how many are waiting
    with django_assert_num_queries(5):
        staff.get(f"/geschaeftsstelle/rundmails/{mailings[0].pk}/senden/")
