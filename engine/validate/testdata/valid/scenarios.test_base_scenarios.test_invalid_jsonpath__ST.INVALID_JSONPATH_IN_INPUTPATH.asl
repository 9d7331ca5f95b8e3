{
 "StartAt": "pass",
 "States": {
  "pass": {
   "Type": "Pass",
   "InputPath": "$.NoSuchInputPath",
   "End": true
  }
 }
}