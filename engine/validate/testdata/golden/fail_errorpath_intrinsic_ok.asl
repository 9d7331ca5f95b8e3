{
 "StartAt": "F",
 "States": {
  "F": {
   "Type": "Fail",
   "ErrorPath": "States.Format('{}', $.e)",
   "CausePath": "$.c"
  }
 }
}