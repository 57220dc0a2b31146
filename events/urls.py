from django.urls import path

from . import views

app_name = "events"

console = "e/<slug:slug>/console/"

urlpatterns = [
    path("events/new/", views.create, name="create"),
    path("e/<slug:slug>/", views.detail, name="detail"),
    path("e/<slug:slug>/register/", views.register, name="register"),
    path("e/<slug:slug>/programme.ics", views.programme_feed, name="programme_feed"),
    path("calendar/<uuid:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "e/<slug:slug>/calendar/new-address/",
        views.calendar_regenerate,
        name="calendar_regenerate",
    ),
    path("e/<slug:slug>/feedback/", views.feedback, name="feedback"),
    path("e/<slug:slug>/register/cancel/", views.cancel_registration, name="cancel_registration"),
    path("e/<slug:slug>/badge/", views.my_badge, name="my_badge"),
    path("e/<slug:slug>/badge.pdf", views.my_badge_pdf, name="my_badge_pdf"),
    path(console, views.console, name="console"),
    path(console + "edit/", views.edit, name="edit"),
    path(console + "phase/", views.move_phase, name="move_phase"),
    path(console + "organisers/", views.organisers, name="organisers"),
    path(
        console + "organisers/<int:user_id>/remove/",
        views.organiser_remove,
        name="organiser_remove",
    ),
    path(console + "programme/", views.programme, name="programme"),
    path(console + "programme/new/", views.session_create, name="session_create"),
    path(console + "programme/<int:pk>/", views.session_edit, name="session_edit"),
    path(console + "programme/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path(console + "rooms/", views.rooms, name="rooms"),
    path(console + "rooms/<int:pk>/", views.room_edit, name="room_edit"),
    path(console + "rooms/<int:pk>/delete/", views.room_delete, name="room_delete"),
    path(console + "tables/", views.tables, name="tables"),
    path(console + "tables/bulk/", views.tables_bulk, name="tables_bulk"),
    path(console + "tables/<int:pk>/", views.table_edit, name="table_edit"),
    path(console + "tables/<int:pk>/delete/", views.table_delete, name="table_delete"),
    path(console + "slots/", views.slots, name="slots"),
    path(console + "registrations/", views.registrations, name="registrations"),
    path(console + "verification/", views.verification, name="verification"),
    path(
        console + "verification/<int:pk>/verify/",
        views.verification_verify,
        name="verification_verify",
    ),
    path(console + "registrations/new/", views.register_on_behalf, name="register_on_behalf"),
    path(console + "registrations/import/", views.import_people, name="import_people"),
    path(console + "registrations/import/confirm/", views.import_confirm, name="import_confirm"),
    path(
        console + "registrations/import/template.<str:file_format>",
        views.import_template,
        name="import_template",
    ),
    path(console + "check-in/", views.checkin_desk, name="checkin_desk"),
    path(console + "check-in/scan/", views.checkin_scan, name="checkin_scan"),
    path(
        console + "check-in/<int:pk>/",
        views.checkin_registration,
        name="checkin_registration",
    ),
    path(console + "check-in/<int:pk>/undo/", views.checkin_undo, name="checkin_undo"),
    path(console + "badges/", views.badges_sheet, name="badges"),
    path(console + "exports/", views.exports, name="exports"),
    path(console + "exports/<slug:name>.<str:fmt>", views.export, name="export"),
    path(
        console + "registrations/<int:pk>/validate/",
        views.registration_validate,
        name="registration_validate",
    ),
    path(
        console + "registrations/<int:pk>/refuse/",
        views.registration_refuse,
        name="registration_refuse",
    ),
]
