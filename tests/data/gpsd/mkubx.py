#!/usr/bin/python3
"""Writes ublox-time.log: what a u-blox timing receiver (ZED-F9T class) in a timing lab says
on its serial port for 30 s, as UBX binary, for gpsfake to replay through Debian's gpsd 3.22;
and ublox-timeonly.log: the same receiver configured, as many timing installations are, to
send no position message at all once surveyed in (no NAV-PVT, no NAV-SOL): NAV-STATUS
(gpsFix 5, time only), NAV-TIMEUTC (UTC, valid), NAV-TIMEGPS (leap seconds), NAV-SAT.

The log is written, not recorded (no capture from a real unit may be committed), from the
u-blox M8/F9 protocol specification (UBX-18010854, "UBX protocol" chapter): MON-VER every
10 s (model), then each second NAV-PVT (fix: 3D during the survey-in, time-only once surveyed in),
NAV-SAT (satellites with constellation, PRN, elevation, azimuth, C/N0, used flag),
NAV-TIMEGPS (leap seconds, valid) and NAV-EOE (end of epoch).

Run it from this folder to rewrite the logs:  /usr/bin/python3 mkubx.py
The values the tests assert are the constants below.
"""
import struct
import datetime

START = datetime.datetime(2025, 1, 1, 0, 0, 0)   # UTC of the first epoch
EPOCHS = 30
SURVEY_EPOCHS = 5          # epochs with fixType 3 before the time-only fix (fixType 5)
LEAP = 18                  # GPS - UTC, s
LAT, LON, HEIGHT_MM = 48.8363, 2.3366, 120000

# (gnssId, svId, cno dB-Hz, elevation deg, azimuth deg, used)
SATS = [
    (0, 2, 45, 67, 45, 1), (0, 5, 41, 34, 123, 1), (0, 12, 38, 21, 201, 1),
    (0, 15, 47, 78, 310, 1), (0, 24, 33, 9, 87, 0), (0, 29, 40, 45, 260, 1),
    (2, 3, 42, 55, 150, 1), (2, 11, 39, 30, 20, 1), (2, 36, 28, 6, 330, 0),
    (6, 7, 36, 40, 100, 1), (3, 19, 31, 12, 180, 0),
]
HEADER = b"# u-blox ZED-F9T class timing receiver, time mode after a 5 s survey-in.\n" \
         b"# Written by tests/data/gpsd/mkubx.py from the UBX protocol specification.\n"


def ubx(cls, mid, payload):
    body = struct.pack("<BBH", cls, mid, len(payload)) + payload
    a = b = 0
    for c in body:
        a = (a + c) & 0xff
        b = (b + a) & 0xff
    return b"\xb5\x62" + body + bytes([a, b])


def mon_ver():
    return ubx(0x0a, 0x04, b"EXT CORE 1.00 (f10c36)".ljust(30, b"\0") +
               b"00190000".ljust(10, b"\0") + b"PROTVER=29.20".ljust(30, b"\0") +
               b"MOD=ZED-F9T".ljust(30, b"\0"))


def gps_time(utc):
    gps = utc + datetime.timedelta(seconds=LEAP)
    d = gps - datetime.datetime(1980, 1, 6)
    week = d.days // 7
    tow_ms = ((d.days % 7) * 86400 + d.seconds) * 1000
    return week, tow_ms


def nav_pvt(utc, itow, fix):
    used = sum(s[5] for s in SATS)
    p = struct.pack("<IHBBBBBBIiBBBB", itow, utc.year, utc.month, utc.day, utc.hour,
                    utc.minute, utc.second, 0x07, 20, 0, fix, 0x01, 0xe0, used)
    p += struct.pack("<iiiiII", int(LON * 1e7), int(LAT * 1e7), HEIGHT_MM, HEIGHT_MM - 45000,
                     1500, 2500)
    p += struct.pack("<iiiiiIIH", 0, 0, 0, 0, 0, 100, 1000000, 120)
    p += bytes(6) + struct.pack("<ihH", 0, 0, 0)
    assert len(p) == 92
    return ubx(0x01, 0x07, p)


def nav_sat(itow):
    p = struct.pack("<IBBH", itow, 1, len(SATS), 0)
    for g, sv, cno, el, az, used in SATS:
        flags = 7 | (used << 3) | (1 << 4)   # quality 7, used, health good
        p += struct.pack("<BBBbhhI", g, sv, cno, el, az, 0, flags)
    return ubx(0x01, 0x35, p)


def nav_timegps(itow, week):
    return ubx(0x01, 0x20, struct.pack("<IihbBI", itow, 0, week, LEAP, 0x07, 20))


def nav_status(itow):
    # gpsFix 5 (time only), flags: gpsFixOk | wknSet | towSet; fixStat, flags2; ttff, msss
    return ubx(0x01, 0x03, struct.pack("<IBBBBII", itow, 5, 0x0d, 0, 0, 3000, itow))


def nav_timeutc(utc, itow):
    # valid: validTOW | validWKN | validUTC (0x07), UTC standard unknown (0)
    return ubx(0x01, 0x21, struct.pack("<IIiHBBBBBB", itow, 20, 0, utc.year, utc.month, utc.day,
                                       utc.hour, utc.minute, utc.second, 0x07))


HEADER_TIMEONLY = b"# u-blox ZED-F9T class timing receiver in time mode, surveyed in, sending no\n" \
                  b"# position (no NAV-PVT or NAV-SOL).  Written by tests/data/gpsd/mkubx.py from\n" \
                  b"# the UBX protocol specification.\n"


def time_only():
    out = bytearray(HEADER_TIMEONLY)
    for i in range(EPOCHS):
        if i % 10 == 0:
            out += mon_ver()
        utc = START + datetime.timedelta(seconds=i)
        week, itow = gps_time(utc)
        out += nav_status(itow) + nav_timeutc(utc, itow) + nav_timegps(itow, week)
        out += nav_sat(itow) + ubx(0x01, 0x61, struct.pack("<I", itow))
    with open("ublox-timeonly.log", "wb") as f:
        f.write(out)


def main():
    time_only()
    out = bytearray(HEADER)
    for i in range(EPOCHS):
        if i % 10 == 0:  # the answer to gpsd's poll, repeated: gpsd polls while it sniffs
            out += mon_ver()
        utc = START + datetime.timedelta(seconds=i)
        week, itow = gps_time(utc)
        fix = 3 if i < SURVEY_EPOCHS else 5
        out += nav_pvt(utc, itow, fix) + nav_sat(itow) + nav_timegps(itow, week)
        out += ubx(0x01, 0x61, struct.pack("<I", itow))
    with open("ublox-time.log", "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
