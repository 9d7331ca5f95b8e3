{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","StringEquals":"$.b","Next":"F"},{"Variable":"$.a","StringEqualsPath":"$.b","Next":"F"}],"Default":"F"},
 "F":{"Type":"Fail","Error":"$.error","Cause":"plain cause"}}}
