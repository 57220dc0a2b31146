from django.urls import path  # noqa: F401

app_name = "matching"

urlpatterns = [
    # --- meeting requests and self-service booking (matching/views/requests.py)
    # --- recommendations (matching/views/recommendations.py)
    path(
        "e/<slug:slug>/pitches-for-me/",
        recommendations.pitches_for_me,
        name="pitches_for_me",
    ),
    path(
        "pitches/<int:pk>/structures-to-invite/",
        recommendations.structures_for_pitch,
        name="structures_for_pitch",
    ),
    # --- organisers' scheduling console (matching/views/console.py)
]
