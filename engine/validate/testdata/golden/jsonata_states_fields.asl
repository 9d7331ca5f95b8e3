{"QueryLanguage":"JSONata","StartAt":"P","States":{
 "P":{"Type":"Pass","Output":"{% $states.result %}","Assign":{"e":"{% $states.errorOutput %}"},"Next":"T"},
 "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f","Payload":"{% $states.result %}"},
  "Output":"{% $states.result.Payload %}","Assign":{"r":"{% $states.result %}"},
  "Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput %}","Assign":{"err":"{% $states.errorOutput.Cause %}","res":"{% $states.result %}"},"Next":"D"}],
  "End":true},
 "D":{"Type":"Succeed"}}}
