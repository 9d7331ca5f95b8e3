{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "End": true
  }
 },
 "Version": "2.0"
}