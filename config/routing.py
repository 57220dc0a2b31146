"""Every websocket route of the project, gathered from the apps' consumers."""

websocket_urlpatterns: list = []
