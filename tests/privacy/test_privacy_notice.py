"""The privacy notice lists what is stored, why, for how long, and the rights."""


def test_privacy_notice_covers_storage_purpose_period_and_rights(anonymous, settings):
    settings.RETENTION_DAYS = 400
    page = anonymous.get("/datenschutz/").text

    for text in [
        "Verantwortliche Stelle",
        "Einladungen:",
        "Änderungsverlauf",
        "Woher die Daten stammen",
        "400 Tage nach dem Treffen",
        "Auskunft, Berichtigung, Löschung",
        "Meine Daten",
    ]:
        assert text in page, text
    assert "Für die Geschäftsstelle" not in page  # the completion hint is for staff only


def test_staff_are_reminded_to_complete_the_template(staff, settings):
    assert "Für die Geschäftsstelle: Diese Erklärung ist eine Vorlage." in (
        staff.get("/datenschutz/").text
    )
    settings.PRIVACY_HOSTING = "Rechenzentrum Musterstadt GmbH"
    settings.PRIVACY_MAIL_PROVIDER = "Mailversand Beispiel e. K."

    page = staff.get("/datenschutz/").text
    assert "Rechenzentrum Musterstadt GmbH" in page and "Mailversand Beispiel e. K." in page
    assert "Für die Geschäftsstelle" not in page
