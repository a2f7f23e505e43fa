from django.urls import path

from tessera.linkage import views

app_name = "linkage"

urlpatterns = [
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.pair_review, name="pair_review"),
    path("runs/new/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("candidates/", views.candidates, name="candidates"),
]
