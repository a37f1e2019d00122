def dashboard_callback(request, context):
    """Fills the admin index (unfold's dashboard). The statistics come with the dashboard issue."""
    return context
