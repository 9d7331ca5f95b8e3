{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"a":{"b.$":"$.x"},"c":1},"Next":"Q"},"Q":{"Type":"Pass","Result":{"a":"$.x"},"End":true}}}
