{"StartAt":"P","States":{"P":{"Type":"Pass","ResultPath":"$x","Next":"W"},
 "W":{"Type":"Wait","SecondsPath":"$seconds","End":true}}}
