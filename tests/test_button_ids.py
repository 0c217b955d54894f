from bot import button_ids
from bot.messages import Button


def test_button_ids_round_trip_and_stay_short():
    button = Button("Endorse", "endorse", (("argument", 12), ("debate", 3)))
    assert button_ids.decode(button_ids.encode(button)) == ("endorse", {"argument": "12", "debate": "3"}, False)
    form = Button("Add argument", "argue", (("debate", 3),), form=True)
    assert button_ids.decode(button_ids.encode(form)) == ("argue", {"debate": "3"}, True)


def test_foreign_or_forged_ids_are_ignored():
    for custom_id in ("", "other:thing", "sm:run:drop-tables:x=1", "sm:maybe:argue:"):
        assert button_ids.decode(custom_id) is None


def test_form_asks_only_for_what_the_button_left_open():
    from bot.config import Limits
    from bot.forms import FormLimits, form_for

    form = form_for("rebut", {"argument": "4", "debate": "2"}, Limits(), FormLimits(5, 45, 45, 100))
    assert [f.name for f in form.fields] == ["text", "restatement", "side"]
    assert form.fields[0].required and form.fields[0].long and form.fields[0].max_length == 1500
    restatement = form.fields[1]  # one line, optional unless the debate's format asks for it
    assert not restatement.required and not restatement.long and restatement.max_length == 200
    assert form.title == "Rebut #4 (debate #2)"
