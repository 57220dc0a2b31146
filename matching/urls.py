from django.urls import path  # noqa: F401

app_name = "matching"

urlpatterns = [
    # --- meeting requests and self-service booking (matching/views/requests.py)
    # --- recommendations (matching/views/recommendations.py)
    # --- organisers' scheduling console (matching/views/console.py)
]
