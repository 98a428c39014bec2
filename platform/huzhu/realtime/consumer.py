"""Placeholder consumer until the realtime issue lands: it closes with 4500 so clients fail loudly."""

from channels.generic.websocket import AsyncWebsocketConsumer


class GraphQLWSConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.close(code=4500)
