package choice

// instant is a point in time from an RFC 3339 timestamp, normalised to UTC.
type instant struct {
	sec  int64 // seconds since 1970-01-01T00:00:00Z
	nsec int32
}

func (t instant) compare(u instant) int {
	switch {
	case t.sec < u.sec:
		return -1
	case t.sec > u.sec:
		return 1
	case t.nsec < u.nsec:
		return -1
	case t.nsec > u.nsec:
		return 1
	}
	return 0
}

// parseTimestamp accepts the timestamps of the Amazon States Language: the RFC 3339 profile of
// ISO 8601 with an uppercase "T" between date and time and an uppercase "Z" when there is no
// numeric offset: YYYY-MM-DDThh:mm:ss, optional fraction of 1 to 9 digits, then Z or ±hh:mm.
// Seconds are required; dates and times must exist (no February 30, no hour 24, no leap
// second 60), and an offset may be at most 18 hours, as Java's time library allows.
func parseTimestamp(s []byte) (instant, bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return instant{}, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
		hour > 23 || minute > 59 || sec > 59 {
		return instant{}, false
	}
	rest := s[19:]
	var nsec int64
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		frac := rest[1:n]
		if len(frac) < 1 || len(frac) > 9 {
			return instant{}, false
		}
		f, _ := digits(frac)
		for range 9 - len(frac) {
			f *= 10
		}
		nsec = f
		rest = rest[n:]
	}
	var offset int64
	switch {
	case len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits(rest[1:3])
		om, ok2 := digits(rest[4:6])
		if !ok1 || !ok2 || om > 59 || oh*60+om > 18*60 {
			return instant{}, false
		}
		offset = (oh*60 + om) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return instant{}, false
	}
	days := daysFromCivil(year, month, day)
	return instant{sec: days*86400 + hour*3600 + minute*60 + sec - offset, nsec: int32(nsec)}, true
}

// digits parses a run of ASCII digits (at most 9 of them, so it cannot overflow).
func digits(b []byte) (int64, bool) {
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, len(b) > 0
}

func daysIn(year, month int64) int64 {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the number of days from 1970-01-01 to the given proleptic Gregorian
// date (Howard Hinnant's algorithm), without time.Date's normalisation or allocation.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
