{"StartAt":"P","States":{
 "P":{"Type":"Pass","Assign":{"ok_1":1,"résumé":2,"1x":3,"a-b.$":"$.a","states":4},"Next":"J"},
 "J":{"Type":"Pass","QueryLanguage":"JSONata","Assign":{"states":"{% 1 %}","x y":2},"Next":"C"},
 "C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Assign":{"$bad":1},"Next":"E"}],"Default":"E"},
 "E":{"Type":"Succeed"}}}
