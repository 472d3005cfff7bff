#!/usr/bin/python3
# Writes the hand-made CGGTTS test files of this folder (see README): checksums computed
# here, independently of cvd's parser, as BIPM CGGTTS V2E (2015) defines them.
def ck(s):
    return sum(s.encode()) % 256

def header(lines):
    body = '\n'.join(lines) + '\nCKSUM = '
    return '\n'.join(lines) + '\nCKSUM = %02X\n' % (sum(body.replace('\n', '').encode()) % 256)

def data(prefix):
    return prefix + '%02X' % ck(prefix)

v1 = header(['GGTTS GPS DATA FORMAT VERSION = 01', 'REV DATE = 1998-06-01',
             'RCVR = TESTRX 0001 1998 v1.0', 'CH = 01', 'IMS = 99999', 'LAB = TST',
             'X = +4027881.50 m', 'Y =  +306998.60 m', 'Z = +4919499.00 m', 'FRAME = ITRF',
             'COMMENTS = HAND-MADE TEST FILE', 'INT DLY =   53.0 ns', 'CAB DLY =  237.0 ns',
             'REF DLY =   12.5 ns', 'REF = UTC(TST)'])
v1 += '\nPRN CL  MJD  STTIME TRKL ELV AZTH   REFSV      SRSV     REFGPS    SRGPS  DSG IOE MDTR SMDT MDIO SMDI CK\n'
v1 += '             hhmmss  s  .1dg .1dg    .1ns     .1ps/s     .1ns    .1ps/s .1ns     .1ns.1ps/s.1ns.1ps/s\n'
v1 += data(' 12 FF 50722 000200  780 347  600    -1234567   +111      +12345    -22   12 123  111  +11   33   +4 ') + '\n'
v1 += data('  5 FF 50722 000200  780 512 1800     +765432    -50      +12355     +7   15 045   90   -3   28   +2 ') + '\n'
v1 += data(' 12 FF 50722 001800  780 402  655    -1234400   +108      +12340    -20   11 124  101  +10   31   +4 ') + '\n'
open('v01-gps.cggtts', 'w').write(v1)

def v2e(lab, refsys, extra):
    h = header(['CGGTTS     GENERIC DATA FORMAT VERSION = 2E', 'REV DATE = 2024-01-01',
                'RCVR = TESTRX 0002 2024 v2.0', 'CH = 24', 'IMS = TESTRX 0002 2024 v2.0',
                'LAB = ' + lab, 'X = +4027881.50 m', 'Y =  +306998.60 m',
                'Z = +4919499.00 m', 'FRAME = ITRF', 'COMMENTS = HAND-MADE TEST FILE',
                'SYS DLY =  300.0 ns (GLO C1),  310.0 ns (BDS B1)     CAL_ID = NA',
                'CAB DLY =  150.0 ns', 'REF DLY =    0.0 ns', 'REF = UTC(TST)'])
    h += '\nSAT CL  MJD  STTIME TRKL ELV AZTH   REFSV      SRSV     REFSYS    SRSYS  DSG IOE MDTR SMDT MDIO SMDI FR HC FRC CK\n'
    h += '             hhmmss  s  .1dg .1dg    .1ns     .1ps/s     .1ns    .1ps/s .1ns     .1ns.1ps/s.1ns.1ps/s\n'
    rows = [('R05', 1200, 780), ('C11', 1200, 780), ('R07', 1200, 780),
            ('R05', 2160, 780), ('C11', 2160, 600)]
    for (sat, t, trkl), r in zip(rows, refsys):
        hh, mm = t // 3600, t // 60 % 60
        h += data('%s FF 60310 %02d%02d00 %4d 450 1200    +123456    +12 %+11d    +3   20 010  100  +10   50   +5  0  0 %3s ' % (sat, hh, mm, trkl, r, 'L3P' if sat[0] == 'R' else 'B1i')) + '\n'
    return h + extra

extra_a = ''
# loose spacing: blanks doubled, the checksum over the line as written
extra_a += data('C12  FF  60310  003600  780  450  1200  +123456  +12  +500  +3  20  010  100  +10  50  +5  0  0  B1i ') + '\n'
# overflowed SRSV ('*') and MDIO (9999): still usable, REFSYS known
extra_a += data('R09 FF 60310 003600  780 450 1200    +123456 ******       +600    +3   20 010  100  +10 9999   +5  0  0 L3P ') + '\n'
# a PRN written with a blank ("R 3")
extra_a += data('R 3 FF 60310 003600  780 450 1200    +123456    +12        +700    +3   20 010  100  +10   50   +5  0  0 L3P ') + '\n'
extra_a += 'this line is not a data line\n'
extra_a += '# nor this one\n'
# broken: its checksum is wrong
extra_a += 'R05 FF 60310 005200  780 450 1200    +123456    +12        +100    +3   20 010  100  +10   50   +5  0  0 L3P 00\n'
# broken: a field missing
extra_a += data('R05 FF 60310 005200  780 450 1200    +123456    +12        +100    +3   20 010  100  +10   50  0  0 L3P ') + '\n'
# broken: STTIME not a time of day
extra_a += data('R05 FF 60310 246000  780 450 1200    +123456    +12        +100    +3   20 010  100  +10   50   +5  0  0 L3P ') + '\n'
open('v2e-a.cggtts', 'w').write(v2e('TSTA', [1000, -2000, 3000, 1500, 999], extra_a))
open('v2e-b.cggtts', 'w').write(v2e('TSTB', [990, -2030, 2950, 1470, 900], ''))
