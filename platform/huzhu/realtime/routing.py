from django.urls import path

from .consumer import GraphQLWSConsumer

websocket_urlpatterns = [path("graphql", GraphQLWSConsumer.as_asgi())]
