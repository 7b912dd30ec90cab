"""Readings kept in a local SQLite database."""
import aiosqlite

from .const import DB_FILE, TABLE


class ReadingStore:
    def __init__(self, hass):
        self._path = hass.config.path(DB_FILE)

    async def add(self, meter: str, value: float) -> None:
        async with aiosqlite.connect(self._path) as db:
            await db.execute(f"INSERT INTO {TABLE} (meter, value) VALUES (?, ?)", (meter, value))  # safe: sql-injection
            await db.commit()

    async def latest(self, meter: str):
        async with aiosqlite.connect(self._path) as db:
            cursor = await db.execute(f"SELECT value FROM {TABLE} WHERE meter = '{meter}' ORDER BY ts DESC")  # vuln: sql-injection
            return await cursor.fetchone()

    async def purge(self, days: int):
        async with aiosqlite.connect(self._path) as db:
            await db.execute("DELETE FROM " + TABLE + " WHERE ts < date('now', ?)", (f"-{days} days",))  # safe: sql-injection
            await db.execute("DELETE FROM readings WHERE meter = '%s'" % days)  # vuln: sql-injection
            await db.commit()
