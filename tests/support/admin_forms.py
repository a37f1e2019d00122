"""Build the POST data of a rendered admin change/add form, as a browser would send it."""


def _value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, (list, tuple)):
        return [getattr(v, "pk", v) for v in value]
    return getattr(value, "pk", value)


def admin_form_data(response, **changes):
    data = {}
    form = response.context["adminform"].form
    for name, bound in ((name, form[name]) for name in form.fields):
        value = bound.value()
        if value in (None, False, ""):
            continue
        data[name] = _value(value)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for inline_form in formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value in (None, False, ""):
                    continue
                data[f"{inline_form.prefix}-{name}"] = _value(value)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def snapshot(instance):
    """Every stored value of `instance` (columns and many-to-many ids), read fresh from the database."""
    fresh = type(instance)._default_manager.get(pk=instance.pk)
    # last_login moves with every test login, updated_at with any save (even of an unchanged
    # form): neither is data anyone edits
    values = {
        f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields
        if f.attname != "last_login" and not getattr(f, "auto_now", False)
    }
    for field in fresh._meta.many_to_many:
        values[field.name] = sorted(getattr(fresh, field.name).values_list("pk", flat=True))
    return values
