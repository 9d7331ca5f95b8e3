{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a":"$.x","b.$":"$.y","c":"plain","n":{"d":"States.Format('{}', $.z)","e":"$$.Execution.Id"}},"Next":"T"},
 "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"ResultSelector":{"p":"$.Payload"},"End":true}}}
